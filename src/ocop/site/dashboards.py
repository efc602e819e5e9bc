"""Dashboards per level: the centre, a province, a commune, a producer, a
council member. Every figure comes from the statistics layer
(``ocop.stats.domain``) as a ``Figure`` whose link opens the filtered list
that counts the same rows; the views only choose which figures to show.

``/dashboard/`` opens the person's highest level; the other levels they hold
are tabs. A level they do not hold answers 403."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from ocop.accounts.domain.queries import active_assignments
from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.cycles.enums import DossierState
from ocop.geo.domain.queries import current_provinces
from ocop.geo.models import AdminUnit
from ocop.products.enums import CategoryLevel
from ocop.products.forms import CURRENT_BASIS
from ocop.products.models import ProductCategory
from ocop.stats.domain import pending, targets
from ocop.stats.domain.cache import kept, register
from ocop.stats.domain.figures import Figure
from ocop.stats.domain.people import subjects
from ocop.stats.domain.products import certificate_changes, certified_products
from ocop.stats.domain.trends import changes_by_year
from ocop.stats.rules import REPORT_ROLES

STARS = (3, 4, 5)
CENTRE_ROLES = tuple(Role.national_roles)
PROVINCE_ROLES = (Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN, Role.ADVISORY_TEAM, Role.INSPECTOR)
COMMUNE_ROLES = (Role.COMMUNE_OFFICER,)
PRODUCER_ROLES = (Role.PRODUCER, Role.CONSULTANT)
COUNCIL_ROLES = (Role.COUNCIL_MEMBER,)
CHANGE_LABELS = {
    "new": gettext_lazy("newly recognised"),
    "renewed": gettext_lazy("renewed"),
    "upgraded": gettext_lazy("upgraded"),
    "expired": gettext_lazy("expired"),
    "revoked": gettext_lazy("revoked"),
}


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    url: str


def levels_for(user) -> list[Level]:
    """The dashboards a person may open, highest level first."""
    roles = scope_for(user).roles
    levels = []
    if roles & set(CENTRE_ROLES):
        levels.append(Level("centre", _("Whole country"), reverse("site:dashboard_centre")))
    if roles & set(PROVINCE_ROLES) or roles & set(CENTRE_ROLES):
        # The central office opens any one province's (the picker).
        levels.append(Level("province", _("Province"), reverse("site:dashboard_province")))
    if roles & set(COMMUNE_ROLES):
        levels.append(Level("commune", _("Commune / ward"), reverse("site:dashboard_commune")))
    if roles & set(PRODUCER_ROLES):
        levels.append(Level("producer", _("My subjects"), reverse("site:dashboard_producer")))
    if roles & set(COUNCIL_ROLES) or user.council_memberships.exists():
        levels.append(Level("council", _("Council"), reverse("site:dashboard_council")))
    return levels


def _allowed(request, level: str) -> list[Level]:
    levels = getattr(request, "_ocop_levels", None)
    if levels is None:
        levels = request._ocop_levels = levels_for(request.user)
    if level not in {lv.key for lv in levels}:
        raise PermissionDenied(_("This dashboard is not for your role."))
    return levels


# The aggregate levels are kept (``stats.domain.cache``: served as counted,
# counted again by the periodic job ``refresh_dashboards``); the personal ones
# count only the person's own rows and are counted on each request, so that a
# producer or a council member sees their own change at once.
KEPT_LEVELS = ("centre", "province", "commune")


def _kept(request, level: str, unit) -> dict:
    """The level's figures for this person and unit; ``counted_at`` says when
    they were counted (the page's "Số liệu tính đến …")."""
    _allowed(request, level)
    user = request.user
    if level in KEPT_LEVELS:
        counted_at, figures = kept(f"dashboard:{level}", user=user, unit=unit)
    else:
        counted_at, figures = timezone.now(), COMPUTE[level](user, timezone.localdate(), unit)
    return {**figures, "counted_at": counted_at}


def register_kept() -> None:
    """Tell the statistics layer how to count the kept levels (its job counts
    them again); called from ``SiteConfig.ready``."""
    for level in KEPT_LEVELS:
        register(f"dashboard:{level}", COMPUTE[level])


def _page(request, level: str, template: str, context: dict):
    context.update(
        levels=_allowed(request, level),
        level=level,
        today=timezone.localdate(),
        # The official report tables: the provincial and central offices'.
        reports=bool(scope_for(request.user).roles & set(REPORT_ROLES)),
        nav_active="dashboard",
    )
    return render(request, template, context)


@require_safe
def dashboard(request):
    """The person's highest dashboard (or their roles, when they have none)."""
    levels = levels_for(request.user)
    if not levels:
        return render(
            request,
            "site/dashboard.html",
            {"assignments": active_assignments(request.user), "nav_active": "dashboard"},
        )
    return VIEWS[levels[0].key](request)


def _star_row(breakdown, *key) -> list:
    """The figures of one row of a (…, star) breakdown, for 3★, 4★ and 5★."""
    return [breakdown.cell(*key, star) for star in STARS]


def _by_star(breakdown) -> list:
    return [(star, breakdown.cell(star)) for star in STARS]


# Centre ---------------------------------------------------------------------------------


@require_safe
def centre(request):
    return _page(request, "centre", "site/dashboards/centre.html", _kept(request, "centre", None))


def _centre(user, today, unit=None) -> dict:
    year_start = date(today.year, 1, 1)
    by_star = certified_products(by=("star",))
    by_province = certified_products(by=("province", "star"))
    new = certificate_changes(start=year_start, end=today, by=("province",))["new"]
    provinces = AdminUnit.objects.filter(pk__in=by_province.values("province")).in_bulk()
    totals = {}
    for (province_id, _star), figure in by_province.cells.items():
        totals[province_id] = totals.get(province_id, 0) + figure.value
    ranked = sorted(totals, key=lambda pk: (-totals[pk], provinces[pk].code))
    rows = [
        {
            "rank": position,
            "province": provinces[pk],
            "stars": _star_row(by_province, pk),
            "total": Figure(
                totals[pk], by_star.total.list_name, {**by_star.total.params, "province": str(pk)}
            ),
            "new": new.cell(pk),
        }
        for position, pk in enumerate(ranked, start=1)
    ]
    return {
        "by_star": _by_star(by_star),
        "total": by_star.total,
        "new_total": new.total,
        "province_rows": rows,
        "trend": changes_by_year(today=today),
        "change_labels": [(k, str(v)) for k, v in CHANGE_LABELS.items()],
        "pipeline": pending.five_star_pipeline(user=user, year=today.year, today=today),
        "national": targets.national_progress(today=today),
    }


# Province -------------------------------------------------------------------------------


def _units_of(user, roles, level) -> list[AdminUnit]:
    """The units whose dashboard the person may open at this level: those of
    their roles' scope; every 2025 province for the central office."""
    scope = scope_for(user)
    if level == "province" and scope.roles & set(CENTRE_ROLES):
        return list(current_provinces().order_by("code"))
    ids = scope.province_ids(roles) if level == "province" else scope.commune_ids(roles)
    return list(AdminUnit.objects.filter(pk__in=sorted(ids)).order_by("code"))


def _chosen(request, units: list[AdminUnit]) -> AdminUnit:
    """The unit asked for (``?unit=<id>`` or ``?province=<code>``) among the
    person's, else their first."""
    wanted = request.GET.get("unit", "")
    code = request.GET.get("province", "")
    for unit in units:
        if str(unit.pk) == wanted or (code and unit.code == code):
            return unit
    if not units:
        raise PermissionDenied(_("This dashboard is not for your role."))
    return units[0]


@require_safe
def province(request):
    units = _units_of(request.user, PROVINCE_ROLES, "province")
    unit = _chosen(request, units)
    context = _kept(request, "province", unit)
    context["units"] = units
    return _page(request, "province", "site/dashboards/province.html", context)


def _province(user, today, unit) -> dict:
    by_commune = certified_products(unit=unit, by=("commune", "star"))
    by_group = certified_products(unit=unit, by=("group", "star"))
    communes = AdminUnit.objects.filter(pk__in=by_commune.values("commune")).in_bulk()
    groups = {
        c.code: c
        for c in ProductCategory.objects.filter(
            level=CategoryLevel.GROUP, legal_basis=CURRENT_BASIS
        )
    }
    changes = certificate_changes(unit=unit, start=date(today.year, 1, 1), end=today)
    year_targets = targets.targets_visible_to(user).filter(province=unit, year=today.year)
    return {
        "unit": unit,
        "by_star": _by_star(certified_products(unit=unit, by=("star",))),
        "total": by_commune.total,
        "commune_rows": sorted(
            (
                {"unit": communes[pk], "stars": _star_row(by_commune, pk)}
                for pk in by_commune.values("commune")
                if pk in communes
            ),
            key=lambda row: row["unit"].name,
        ),
        "group_rows": [
            {"group": groups.get(code), "code": code, "stars": _star_row(by_group, code)}
            for code in by_group.values("group")
        ],
        "changes": [(str(CHANGE_LABELS[k]), changes[k].total) for k in CHANGE_LABELS],
        "expiring": [
            (days, pending.certificates_expiring(user=user, days=days, today=today, unit=unit))
            for days in (30, 90)
        ],
        "dossiers": _dossier_rows(user, pending.WAITING_AT_PROVINCE, unit),
        "stamp_requests": pending.stamp_requests(user=user, province=unit),
        "decisions": pending.decisions_to_issue(user=user, province=unit),
        "complaints": pending.complaints(user=user, province=unit),
        "targets": targets.province_progress(year_targets, today=today, user=user),
    }


def _dossier_rows(user, states, unit=None):
    figures = pending.dossiers(user=user, states=states, unit=unit)
    return [(str(DossierState(state).label), figures[state]) for state in states]


# Commune --------------------------------------------------------------------------------


@require_safe
def commune(request):
    units = _units_of(request.user, COMMUNE_ROLES, "commune")
    unit = _chosen(request, units)
    context = _kept(request, "commune", unit)
    context["units"] = units
    return _page(request, "commune", "site/dashboards/commune.html", context)


def _commune(user, today, unit) -> dict:
    by_star = certified_products(unit=unit, by=("star",))
    return {
        "unit": unit,
        "subjects": subjects(unit=unit)["total"],
        "by_star": _by_star(by_star),
        "total": by_star.total,
        "documents": pending.documents_expiring(user=user, today=today),
        "expiring": [
            (days, pending.certificates_expiring(user=user, days=days, today=today, unit=unit))
            for days in (30, 90)
        ],
        "dossiers": _dossier_rows(user, (*pending.WAITING_AT_COMMUNE, DossierState.RETURNED), unit),
    }


# Producer -------------------------------------------------------------------------------


@require_safe
def producer(request):
    context = _kept(request, "producer", None)
    return _page(request, "producer", "site/dashboards/producer.html", context)


def _producer(user, today, unit=None) -> dict:
    return {
        "in_force": pending.certificates_in_force(user=user, today=today),
        "expiring": [
            (days, pending.certificates_expiring(user=user, days=days, today=today))
            for days in (30, 90)
        ],
        "certificates": pending.own_certificates(user=user, today=today),
        "documents": pending.documents_expiring(user=user, today=today),
        "dossiers": _dossier_rows(
            user,
            (
                *pending.WAITING_AT_PRODUCER,
                *pending.WAITING_AT_COMMUNE,
                *pending.WAITING_AT_PROVINCE,
                DossierState.PROPOSED,
            ),
        ),
        "stamp_requests": pending.stamp_requests(user=user),
        "trainings": pending.trainings_coming(user=user, today=today),
    }


# Council member -------------------------------------------------------------------------


@require_safe
def council(request):
    context = _kept(request, "council", None)
    return _page(request, "council", "site/dashboards/council.html", context)


def _council(user, today, unit=None) -> dict:
    return {"sheets": pending.sheets_to_score(user=user)}


COMPUTE = {
    "centre": _centre,
    "province": _province,
    "commune": _commune,
    "producer": _producer,
    "council": _council,
}

VIEWS = {
    "centre": centre,
    "province": province,
    "commune": commune,
    "producer": producer,
    "council": council,
}
