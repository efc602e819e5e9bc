"""The main navigation, by role: ``navigation_for`` lists what a person may
reach; ``menu_for`` groups it into a few dropdowns so that the bar fits one
line on a 1366 px screen."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.enums import Role
from ocop.accounts.rules import can_manage_accounts, scope_for
from ocop.criteria.rules import can_view_criteria
from ocop.cycles.rules import COMMUNE_ROLES, PRODUCER_ROLES, PROVINCE_ROLES
from ocop.evaluation.rules import VIEWER_ROLES as EVALUATION_ROLES
from ocop.events.rules import is_reader as is_events_reader
from ocop.exchange.rules import can_use as can_exchange
from ocop.inspections.rules import can_view_inspections, can_view_plans
from ocop.stamps.rules import is_stamp_user
from ocop.stats.rules_targets import is_target_reader
from ocop.trade import rules as trade_rules


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str


@dataclass(frozen=True)
class NavGroup:
    """A dropdown of the menu; ``keys`` tells the template when it holds the
    current page."""

    label: str
    key: str
    items: tuple[NavItem, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


# The dropdowns, by the keys of the items they gather, in menu order. An
# item in no group stays a link of its own; a group with one visible item
# shows as that item.
GROUPS = (
    (
        "registry",
        _("Subjects and products"),
        ("subjects", "products", "certification", "exchange"),
    ),
    ("cycle", _("OCOP cycle"), ("cycles", "dossiers", "evaluation", "targets")),
    ("stamps", _("Stamps and inspections"), ("stamps", "inspections", "inspection_plans")),
    ("support", _("Training and promotion"), ("events", "trade")),
    ("reference", _("Reference"), ("criteria", "guides")),
)


# Items shown in the person's own menu (beside their name), not in the bar.
USER_MENU = ("accounts",)


def menus_for(user) -> tuple[list[NavItem | NavGroup], list[NavItem]]:
    """The bar and the person's own menu: the items of ``navigation_for``
    with the groups of ``GROUPS`` folded into dropdowns (placed where their
    first item was), and the ``USER_MENU`` items apart."""
    items = navigation_for(user)
    bar = grouped([item for item in items if item.key not in USER_MENU])
    return bar, [item for item in items if item.key in USER_MENU]


def grouped(items: list[NavItem]) -> list[NavItem | NavGroup]:
    group_of = {key: group for group in GROUPS for key in group[2]}
    members: dict[str, list[NavItem]] = {}
    for item in items:
        if item.key in group_of:
            members.setdefault(group_of[item.key][0], []).append(item)
    menu: list[NavItem | NavGroup] = []
    placed = set()
    for item in items:
        group = group_of.get(item.key)
        if group is None:
            menu.append(item)
        elif group[0] not in placed:
            placed.add(group[0])
            inside = members[group[0]]
            menu.append(
                inside[0] if len(inside) == 1 else NavGroup(group[1], group[0], tuple(inside))
            )
    return menu


def navigation_for(user) -> list[NavItem]:
    if user is None or not user.is_authenticated:
        return []
    scope = scope_for(user)
    # The work queue first, for everyone (its count: context_processors.navigation).
    items = [
        NavItem(_("My tasks"), reverse("site:queue"), "tasks"),
        NavItem(_("Overview"), reverse("site:dashboard"), "dashboard"),
    ]
    sees_registry = scope.roles & set(Role.registry_roles)
    if sees_registry:
        items.append(NavItem(_("Subjects"), reverse("producers:list"), "subjects"))
        items.append(NavItem(_("Products"), reverse("products:list"), "products"))
    if scope.roles & {*PRODUCER_ROLES, *COMMUNE_ROLES, *PROVINCE_ROLES}:
        items.append(NavItem(_("Cycles and ideas"), reverse("cycles:cycles"), "cycles"))
        items.append(NavItem(_("Dossiers"), reverse("cycles:dossiers"), "dossiers"))
    if scope.roles & {*EVALUATION_ROLES, Role.COUNCIL_MEMBER} or user.council_memberships.exists():
        items.append(NavItem(_("Evaluation"), reverse("evaluation:home"), "evaluation"))
    if is_target_reader(user):
        items.append(NavItem(_("Targets"), reverse("stats:targets"), "targets"))
    if sees_registry:
        items.append(
            NavItem(_("Certificates"), reverse("certification:certificates"), "certification")
        )
    if can_exchange(user):
        items.append(NavItem(_("Exchange with the centre"), reverse("exchange:index"), "exchange"))
    if is_stamp_user(user):
        items.append(NavItem(_("Stamps"), reverse("stamps:list"), "stamps"))
    if can_view_inspections(user):
        items.append(
            NavItem(_("Complaints and flagged stamps"), reverse("inspections:list"), "inspections")
        )
    if can_view_plans(user):
        items.append(NavItem(_("Inspections"), reverse("inspections:visits"), "inspection_plans"))
    if is_events_reader(user):
        items.append(NavItem(_("Training and events"), reverse("events:list"), "events"))
    else:
        items.append(NavItem(_("Events"), reverse("events:mine"), "events"))
    if trade_rules.is_reader(user) or scope.roles & set(trade_rules.SUBJECT_SIDE):
        items.append(NavItem(_("Trade promotion"), reverse("trade:overview"), "trade"))
    if can_view_criteria(user):
        items.append(NavItem(_("Criteria sheets"), reverse("criteria:list"), "criteria"))
    if can_manage_accounts(user):
        items.append(NavItem(_("Accounts"), reverse("accounts:list"), "accounts"))
    items.append(NavItem(_("Guides"), reverse("site:guides"), "guides"))
    return items
