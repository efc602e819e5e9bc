"""Targets as data: the province's yearly targets (set, changed, removed,
each logged) and the national programme's targets (loaded from YAML with
their legal basis and effective dates)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.rules import scope_for
from ocop.core.domain.activity import log_action
from ocop.geo.enums import Era, Level
from ocop.producers.enums import LegalForm

from ..models import NationalTarget, ProvinceTarget
from ..models_targets import TargetMetric, TargetUnit
from ..rules_targets import READER_ROLES, can_set_targets
from .figures import Figure
from .people import subjects
from .products import LIST as CERTIFICATES
from .products import certificate_changes, certified_products

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "national_targets.yaml"
FORMAT = "ocop-national-targets/1"
REQUIRED = ("code", "label", "metric", "unit", "value", "due", "legal_basis", "effective_from")
FIRST_YEAR = 2018  # the OCOP programme began with Decision 490/QĐ-TTg (2018)
MAX_NEW_PRODUCTS = 100_000


# The legal forms a share target counts (919: cooperatives; small and medium
# enterprises — the platform does not know a subject's size, so all enterprises).
SHARE_FORMS = {
    TargetMetric.SHARE_COOPERATIVES: (LegalForm.COOPERATIVE, LegalForm.COOPERATIVE_UNION),
    TargetMetric.SHARE_ENTERPRISES: (
        LegalForm.LLC_ONE,
        LegalForm.LLC_MULTI,
        LegalForm.PRIVATE_ENTERPRISE,
        LegalForm.JOINT_STOCK,
    ),
}


class TargetDataError(ValueError):
    pass


# National targets ---------------------------------------------------------------------


def load_national_targets(*, path: Path = DATA_FILE) -> tuple[int, int]:
    """Create or update the national targets of ``path``; returns (created,
    changed). A second run of the same file writes nothing."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TargetDataError(f"{path}: expected “format: {FORMAT}”")
    programme = data.get("programme", "")
    created = changed = 0
    seen: set[str] = set()
    for position, entry in enumerate(data.get("targets") or []):
        missing = [f for f in REQUIRED if entry.get(f) in (None, "")]
        if missing:
            raise TargetDataError(f"{path}: target {entry.get('code', '?')} lacks {missing}")
        code = str(entry["code"])
        if code in seen:
            raise TargetDataError(f"{path}: target {code} appears twice")
        seen.add(code)
        if entry["metric"] not in TargetMetric.values or entry["unit"] not in TargetUnit.values:
            raise TargetDataError(f"{path}: target {code} has an unknown metric or unit")
        values = {
            "programme": entry.get("programme", programme),
            "label": entry["label"],
            "metric": entry["metric"],
            "unit": entry["unit"],
            "value": Decimal(str(entry["value"])),
            "value_max": (
                Decimal(str(entry["value_max"])) if entry.get("value_max") is not None else None
            ),
            "due": entry["due"],
            "legal_basis": entry["legal_basis"],
            "effective_from": entry["effective_from"],
            "effective_to": entry.get("effective_to"),
            "source": entry.get("source", ""),
            "unconfirmed": entry.get("unconfirmed", ""),
            "position": position,
        }
        if values["value_max"] is not None and values["value_max"] < values["value"]:
            raise TargetDataError(f"{path}: target {code} has value_max below value")
        current = NationalTarget.objects.filter(code=code).first()
        if current is None:
            NationalTarget.objects.create(code=code, **values)
            created += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            changed += 1
    return created, changed


def national_targets_on(day: date):
    """The national targets in force on ``day`` (and those reached by their due
    date just before it, so that the last programme's results stay visible)."""
    return NationalTarget.objects.filter(effective_from__lte=day).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=day) | Q(due__lt=day)
    )


# Province targets ---------------------------------------------------------------------


def targets_visible_to(user):
    """The province targets ``user`` reads: their province's (and communes'),
    a commune officer their commune's, the centre all."""
    scope = scope_for(user)
    return ProvinceTarget.objects.filter(
        scope.q(province="province", commune="commune", roles=READER_ROLES)
    ).select_related("province", "commune", "updated_by")


def _snapshot(target: ProvinceTarget) -> dict:
    return {
        "province": target.province.code,
        "commune": target.commune.code if target.commune_id else None,
        "year": target.year,
        "star": target.star,
        "new_products": target.new_products,
        "note": target.note,
    }


def _check(*, province, commune, year: int, star, new_products: int) -> None:
    errors = {}
    if province is None or province.level != Level.PROVINCE or province.era != Era.CURRENT:
        errors["province"] = _("Choose a province in force since 1 July 2025.")
    if commune is not None and (
        commune.level != Level.COMMUNE
        or commune.era != Era.CURRENT
        or (province is not None and commune.province_id != province.pk)
    ):
        errors["commune"] = _("The commune must be a commune or ward of the chosen province.")
    today_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= today_year + 10:
        errors["year"] = _("The year must be between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": today_year + 10,
        }
    if star not in (None, 3, 4, 5):
        errors["star"] = _("Stars must be 3, 4 or 5 (or empty for any star).")
    if new_products is None or not 0 <= new_products <= MAX_NEW_PRODUCTS:
        errors["new_products"] = _("The target must be a whole number from 0 to 100.000.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_province_target(
    *, by, province, year: int, new_products: int, commune=None, star=None, note: str = ""
) -> tuple[ProvinceTarget, bool]:
    """Set (create or change) the target of ``province`` for ``year``, for the
    whole province or ``commune``, any star or ``star``. Returns (target,
    created). Logged with the old and new values."""
    if not can_set_targets(by, province):
        raise PermissionDenied(_("You may only set the targets of your own province."))
    _check(province=province, commune=commune, year=year, star=star, new_products=new_products)
    target = (
        ProvinceTarget.objects.select_for_update(of=("self",))
        .filter(province=province, year=year, commune=commune, star=star)
        .order_by("pk")
        .first()
    )
    created = target is None
    before = None if created else _snapshot(target)
    if created:
        target = ProvinceTarget(province=province, year=year, commune=commune, star=star)
    target.new_products = new_products
    target.note = note
    target.updated_by = by
    after = _snapshot(target)
    if before == after:
        return target, False
    target.save()
    log_action(
        action="ocop.target.set",
        by=by,
        obj=target,
        unit=commune or province,
        data={"before": before, "after": after},
    )
    return target, created


@transaction.atomic
def update_province_target(*, by, target: ProvinceTarget, new_products: int, note: str = ""):
    """Change the number (and note) of an existing target."""
    if not can_set_targets(by, target.province):
        raise PermissionDenied(_("You may only set the targets of your own province."))
    return set_province_target(
        by=by,
        province=target.province,
        year=target.year,
        commune=target.commune,
        star=target.star,
        new_products=new_products,
        note=note,
    )[0]


@transaction.atomic
def remove_province_target(*, by, target: ProvinceTarget) -> None:
    """Remove a target set by mistake; its values stay in the activity log."""
    if not can_set_targets(by, target.province):
        raise PermissionDenied(_("You may only set the targets of your own province."))
    log_action(
        action="ocop.target.removed",
        by=by,
        obj=target,
        unit=target.commune or target.province,
        data={"before": _snapshot(target)},
    )
    target.delete()


# Progress -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """A target beside what has been achieved: ``figure`` is the count with
    the list it opens (None when the platform does not count the metric);
    ``achieved`` the value shown (a count, or a share in per cent)."""

    target: object
    goal: int | Decimal
    achieved: int | Decimal | None
    figure: Figure | None = None
    can_set: bool = False
    parts: tuple = ()  # a share's numerator: (label, Figure) per legal form

    @property
    def url(self) -> str:
        return self.figure.url if self.figure else ""

    @property
    def value_max(self):
        top = getattr(self.target, "value_max", None)
        return None if top is None else _plain(top)

    @property
    def count(self) -> int | None:
        return self.figure.value if self.figure else None

    @property
    def percent(self) -> int | None:
        if self.achieved is None or not self.goal:
            return None
        return int(Decimal(self.achieved) * 100 / Decimal(self.goal))

    @property
    def reached(self) -> bool:
        return self.percent is not None and self.percent >= 100


def _year_bounds(year: int, today: date) -> tuple[date, date]:
    return date(year, 1, 1), min(date(year, 12, 31), max(today, date(year, 1, 1)))


def province_progress(rows, *, today: date, user=None) -> list[Progress]:
    """Each province target of ``rows`` with the products newly recognised in
    its year (first certificate; ``stats.domain.products.certificate_changes``
    — the certificate list with ``change=new``), in its province or commune,
    of its star or any. One grouped query per year and unit."""
    targets = list(rows.select_related("province", "commune"))
    result = []
    by_year: dict[int, list[ProvinceTarget]] = {}
    for target in targets:
        by_year.setdefault(target.year, []).append(target)
    for year, group in sorted(by_year.items(), reverse=True):
        start, end = _year_bounds(year, today)
        provinces = {t.province_id for t in group}
        unit = group[0].province if len(provinces) == 1 else None
        if end < start:  # a future year: nothing achieved yet
            counts = {}
        else:
            new = certificate_changes(
                unit=unit, start=start, end=end, by=("province", "commune", "star")
            )["new"]
            counts = {key: fig.value for key, fig in new.cells.items()}
        for target in group:
            achieved = sum(
                n
                for (province, commune, star), n in counts.items()
                if province == target.province_id
                and (target.commune_id is None or commune == target.commune_id)
                and (target.star is None or star == target.star)
            )
            params = {"change": "new", "start": start.isoformat(), "end": end.isoformat()}
            if target.commune_id:
                params["commune"] = str(target.commune_id)
            else:
                params["province"] = str(target.province_id)
            if target.star:
                params["star"] = str(target.star)
            result.append(
                Progress(
                    target=target,
                    goal=target.new_products,
                    achieved=achieved,
                    figure=Figure(achieved, CERTIFICATES, params),
                    can_set=user is not None and can_set_targets(user, target.province),
                )
            )
    return result


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def national_progress(*, today: date, unit=None) -> list[Progress]:
    """The national targets in force (or just due) with the figures now:
    products in force (3★ or more, 5★; ``stats.domain.products``) and the
    shares of cooperatives and enterprises among the registered subjects
    (``stats.domain.people``), each part linked to its list. Two queries."""
    rows = list(national_targets_on(today))
    if not rows:
        return []
    by_star = certified_products(unit=unit, by=("star",))
    registered = subjects(unit=unit)
    result = []
    for target in rows:
        figure, achieved, parts = None, None, ()
        if target.metric == TargetMetric.PRODUCTS_3_STAR_PLUS:
            figure = by_star.total
            achieved = figure.value
        elif target.metric == TargetMetric.PRODUCTS_5_STAR:
            figure = by_star.cell(5) or Figure(
                0, by_star.total.list_name, {**by_star.total.params, "star": "5"}
            )
            achieved = figure.value
        elif target.metric in SHARE_FORMS:
            parts = tuple(
                (LegalForm(code).label, registered["legal_form"][code])
                for code in SHARE_FORMS[target.metric]
            )
            figure = registered["total"]
            achieved = _share(sum(f.value for _label, f in parts), figure.value)
        result.append(
            Progress(
                target=target,
                goal=_plain(target.value),
                achieved=achieved,
                figure=figure,
                parts=parts,
            )
        )
    return result


def _plain(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def describe(target: ProvinceTarget) -> str:
    """“2026 · Thanh Hóa · xã X · 4★” for messages and the confirmation page."""
    parts = [str(target.year), target.province.name]
    if target.commune_id:
        parts.append(target.commune.name)
    parts.append(f"{target.star}★" if target.star else _("any star"))
    return " · ".join(parts)
