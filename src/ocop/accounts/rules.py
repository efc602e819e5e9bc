"""The permission layer every app reuses.

A user's *scope* is computed once per request from their active role
assignments: the whole country, a set of provinces, a set of communes, and a
set of subjects. Apps never filter by hand in views: they use

* ``scope_for(user)`` and ``Scope.q(...)`` in their ``visible_to`` query helpers;
* the predicates below (``has_role``, ``unit_in_scope``…) in views and the API.

Objects outside the scope are answered with 404 (not 403), so that their
existence is not revealed.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from ocop.geo.enums import Level

from .enums import ROLE_SCOPE, Role, ScopeKind

# A filter that matches every row. Not ``Q()``: an empty Q is dropped when
# combined with ``|`` (``Q(a=1) | Q()`` is ``Q(a=1)``), so "everything" OR'd
# with anything else would silently narrow to the other operand.
EVERYTHING = Q(pk__isnull=False)


@dataclass(frozen=True)
class Scope:
    roles: frozenset[str] = field(default_factory=frozenset)
    national_roles: frozenset[str] = field(default_factory=frozenset)
    provinces: dict[str, frozenset[int]] = field(default_factory=dict)  # role -> province ids
    communes: dict[str, frozenset[int]] = field(default_factory=dict)  # role -> commune ids
    subjects: dict[str, frozenset[int]] = field(default_factory=dict)  # role -> subject ids

    def _pick(self, mapping, roles) -> frozenset[int]:
        roles = self.roles if roles is None else roles
        ids: set[int] = set()
        for role in roles:
            ids |= mapping.get(role, frozenset())
        return frozenset(ids)

    def is_national(self, roles=None) -> bool:
        roles = self.roles if roles is None else roles
        return any(r in self.national_roles for r in roles)

    def province_ids(self, roles=None) -> frozenset[int]:
        return self._pick(self.provinces, roles)

    def commune_ids(self, roles=None) -> frozenset[int]:
        return self._pick(self.communes, roles)

    def subject_ids(self, roles=None) -> frozenset[int]:
        return self._pick(self.subjects, roles)

    def q(
        self,
        *,
        province: str | None = None,
        commune: str | None = None,
        subject: str | None = None,
        roles=None,
    ) -> Q:
        """A filter for objects in scope, given the paths to their province,
        commune and subject fields (any may be None when the object has none)."""
        if self.is_national(roles):
            return EVERYTHING
        condition = Q(pk__in=[])
        if province and self.province_ids(roles):
            condition |= Q(**{f"{province}__in": sorted(self.province_ids(roles))})
        if commune and self.commune_ids(roles):
            condition |= Q(**{f"{commune}__in": sorted(self.commune_ids(roles))})
        if subject and self.subject_ids(roles):
            condition |= Q(**{f"{subject}__in": sorted(self.subject_ids(roles))})
        return condition

    def covers_unit(self, unit, roles=None) -> bool:
        """Whether a (2025) unit lies inside the scope of ``roles``."""
        if unit is None:
            return self.is_national(roles)
        if self.is_national(roles):
            return True
        if not unit.is_current:
            unit = unit.current_commune or unit.current_province
            if unit is None:
                return False
        if unit.province_id in self.province_ids(roles):
            return True
        return unit.level == Level.COMMUNE and unit.pk in self.commune_ids(roles)


EMPTY_SCOPE = Scope()


def scope_for(user) -> Scope:
    """The scope of a user's active role assignments (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return EMPTY_SCOPE
    cached = getattr(user, "_ocop_scope", None)
    if cached is not None:
        return cached
    from .models import RoleAssignment  # noqa: PLC0415 -- circular import

    roles: set[str] = set()
    national: set[str] = set()
    provinces: dict[str, set[int]] = {}
    communes: dict[str, set[int]] = {}
    subjects: dict[str, set[int]] = {}
    rows = (
        RoleAssignment.objects.active()
        .filter(user=user)
        .values_list("role", "unit_id", "unit__level", "subject_id")
    )
    for role, unit_id, level, subject_id in rows:
        roles.add(role)
        kind = ROLE_SCOPE[Role(role)]
        if kind == ScopeKind.NATIONAL:
            national.add(role)
        elif kind == ScopeKind.SUBJECT and subject_id:
            subjects.setdefault(role, set()).add(subject_id)
        elif level == Level.PROVINCE:
            provinces.setdefault(role, set()).add(unit_id)
        elif level == Level.COMMUNE:
            communes.setdefault(role, set()).add(unit_id)
    if user.is_superuser:
        roles.add(Role.CENTRAL_ADMIN)
        national.add(Role.CENTRAL_ADMIN)
    scope = Scope(
        roles=frozenset(roles),
        national_roles=frozenset(national),
        provinces={k: frozenset(v) for k, v in provinces.items()},
        communes={k: frozenset(v) for k, v in communes.items()},
        subjects={k: frozenset(v) for k, v in subjects.items()},
    )
    user._ocop_scope = scope
    return scope


def narrowed(scope: Scope, roles) -> Scope:
    """``scope`` limited to ``roles`` (a personal API token's): never wider."""
    keep = frozenset(scope.roles) & frozenset(roles)
    return Scope(
        roles=keep,
        national_roles=scope.national_roles & keep,
        provinces={k: v for k, v in scope.provinces.items() if k in keep},
        communes={k: v for k, v in scope.communes.items() if k in keep},
        subjects={k: v for k, v in scope.subjects.items() if k in keep},
    )


def forget_scope(user) -> None:
    """Drop the cached scope (after roles change within one request or test)."""
    if hasattr(user, "_ocop_scope"):
        del user._ocop_scope


# Predicates -----------------------------------------------------------------


def has_role(user, *roles: str) -> bool:
    return bool(scope_for(user).roles.intersection(roles))


def is_officer(user) -> bool:
    return has_role(user, *Role.officer_roles)


def is_producer(user) -> bool:
    return has_role(user, Role.PRODUCER, Role.CONSULTANT)


def is_national(user) -> bool:
    return scope_for(user).is_national()


def unit_in_scope(user, unit, *, roles=None) -> bool:
    return scope_for(user).covers_unit(unit, roles)


ACCOUNT_ADMIN_ROLES = (Role.PROVINCE_ADMIN, Role.CENTRAL_ADMIN)


def can_manage_accounts(user) -> bool:
    return has_role(user, *ACCOUNT_ADMIN_ROLES)


def can_assign_role(user, *, role: str, unit=None, subject=None) -> bool:
    """A central administrator may give any role anywhere; a provincial
    administrator only non-central roles inside their own province."""
    scope = scope_for(user)
    if scope.is_national((Role.CENTRAL_ADMIN,)):
        return True
    if Role.PROVINCE_ADMIN not in scope.roles or role in Role.national_roles:
        return False
    target = subject.commune if subject is not None else unit
    return target is not None and scope.covers_unit(target, (Role.PROVINCE_ADMIN,))


def can_view_account(user, account) -> bool:
    from .domain.queries import accounts_visible_to  # noqa: PLC0415 -- circular import

    return accounts_visible_to(user).filter(pk=account.pk).exists()


# Officers who register subjects may invite their representatives.
INVITER_ROLES = (
    Role.COMMUNE_OFFICER,
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_ADMIN,
)


def can_invite(user, subject) -> bool:
    """An officer whose unit covers the subject's commune may invite its
    representative (and resend or revoke the invitation)."""
    return scope_for(user).covers_unit(subject.commune, INVITER_ROLES)
