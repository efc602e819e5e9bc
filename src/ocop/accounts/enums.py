from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    PRODUCER = "producer", _("Producer (subject)")
    CONSULTANT = "consultant", _("Consultant")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    PROVINCE_OFFICER = "province_officer", _("Provincial coordination officer")
    PROVINCE_ADMIN = "province_admin", _("Provincial administrator")
    ADVISORY_TEAM = "advisory_team", _("Advisory team member")
    COUNCIL_MEMBER = "council_member", _("Council member")
    INSPECTOR = "inspector", _("Inspector")
    CENTRAL_OFFICER = "central_officer", _("Central office officer")
    CENTRAL_ADMIN = "central_admin", _("Central administrator")

    officer_roles = nonmember(
        (
            "commune_officer",
            "province_officer",
            "province_admin",
            "advisory_team",
            "inspector",
            "central_officer",
            "central_admin",
        )
    )
    national_roles = nonmember(("central_officer", "central_admin"))
    # Who reads the registry of their scope. Council members are left out: they
    # see only what their council evaluates (the evaluation app grants that).
    registry_roles = nonmember(
        (
            "producer",
            "consultant",
            "commune_officer",
            "province_officer",
            "province_admin",
            "advisory_team",
            "inspector",
            "central_officer",
            "central_admin",
        )
    )


class ScopeKind(models.TextChoices):
    SUBJECT = "subject", _("a subject")
    COMMUNE = "commune", _("a commune / ward")
    PROVINCE = "province", _("a province")
    NATIONAL = "national", _("the whole country")


# What each role is scoped by. Council members are scoped by province here;
# the evaluation app narrows them to what their council evaluates. A council
# member of the central council has a national scope (no unit).
ROLE_SCOPE = {
    Role.PRODUCER: ScopeKind.SUBJECT,
    Role.CONSULTANT: ScopeKind.SUBJECT,
    Role.COMMUNE_OFFICER: ScopeKind.COMMUNE,
    Role.PROVINCE_OFFICER: ScopeKind.PROVINCE,
    Role.PROVINCE_ADMIN: ScopeKind.PROVINCE,
    Role.ADVISORY_TEAM: ScopeKind.PROVINCE,
    Role.COUNCIL_MEMBER: ScopeKind.PROVINCE,
    Role.INSPECTOR: ScopeKind.PROVINCE,
    Role.CENTRAL_OFFICER: ScopeKind.NATIONAL,
    Role.CENTRAL_ADMIN: ScopeKind.NATIONAL,
}


class OrganisationKind(models.TextChoices):
    COORDINATION_OFFICE = "coordination_office", _("Coordination office (NTM/OCOP)")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    DEPARTMENT = "department", _("Department / agency")
    CENTRAL_OFFICE = "central_office", _("Central coordination office")
    CONSULTANCY = "consultancy", _("Consultancy")
    OTHER = "other", _("Other")


class InvitationState(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", pgettext_lazy("invitation", "accepted")
    REVOKED = "revoked", _("revoked")
    # Not stored: a sent invitation past its expiry is shown as expired.
    EXPIRED = "expired", _("expired")


class InvitationChannel(models.TextChoices):
    EMAIL = "email", _("by e-mail")
    PHONE = "phone", _("by phone (hand over the link or code)")
