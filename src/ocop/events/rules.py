"""Who may do what with activities, registrations, materials and support.

* Managers (commune and provincial officers and administrators, the central
  office) create and run activities of their own unit: a commune officer those
  of their commune, a provincial officer those of the province and its
  communes, the central office all (and the central ones).
* Readers (managers, the advisory team, inspectors) see the activities of
  their scope and of the centre, and the report of their unit.
* Anyone sees an activity shown on the public calendar; a signed-in person
  registers online for one that is open for registration.
* Support to a subject is recorded by officers of its unit; the subject's own
  people see its history.
"""

from ocop.accounts.enums import Role
from ocop.accounts.rules import has_role, scope_for

from .enums import ActivityState

MANAGER_ROLES = (
    Role.COMMUNE_OFFICER,
    Role.PROVINCE_OFFICER,
    Role.PROVINCE_ADMIN,
    Role.CENTRAL_OFFICER,
    Role.CENTRAL_ADMIN,
)
READER_ROLES = (*MANAGER_ROLES, Role.ADVISORY_TEAM, Role.INSPECTOR)
TOPIC_ROLES = (Role.PROVINCE_ADMIN, Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN)


def is_manager(user) -> bool:
    return has_role(user, *MANAGER_ROLES)


def is_reader(user) -> bool:
    return has_role(user, *READER_ROLES)


def can_manage_unit(user, unit) -> bool:
    """Whether ``user`` runs activities of ``unit`` (None: the centre)."""
    return scope_for(user).covers_unit(unit, MANAGER_ROLES)


def can_manage(user, activity) -> bool:
    return can_manage_unit(user, activity.unit)


def can_view(user, activity) -> bool:
    from .domain.queries import activities_visible_to  # noqa: PLC0415 -- circular import

    if activity.is_public or can_manage(user, activity):
        return True
    return activities_visible_to(user).filter(pk=activity.pk).exists()


def can_register_online(user, activity) -> bool:
    """A signed-in person may register for a public activity open for registration."""
    return (
        user is not None
        and user.is_authenticated
        and activity.is_public
        and activity.state == ActivityState.OPEN
    )


def can_view_registration(user, registration) -> bool:
    """The person registered, the people of their subject, and the activity's managers."""
    if user is None or not user.is_authenticated:
        return False
    if registration.user_id == user.pk:
        return True
    if registration.subject_id and registration.subject_id in scope_for(user).subject_ids(
        (Role.PRODUCER, Role.CONSULTANT)
    ):
        return True
    return can_manage(user, registration.activity)


def can_record_support(user, subject) -> bool:
    return scope_for(user).covers_unit(subject.commune, MANAGER_ROLES)


def can_manage_topics(user) -> bool:
    return has_role(user, *TOPIC_ROLES)
