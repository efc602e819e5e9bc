"""Registering and changing subjects. Every change is logged."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.domain.accounts import assign_role
from ocop.accounts.enums import Role
from ocop.core.domain.activity import changed_fields, log_action
from ocop.core.text import fold_key, fold_vi
from ocop.producers.models import Subject, subject_search_text
from ocop.producers.rules import can_create_subject, can_edit_subject
from ocop.producers.validators import (
    normalise_registration_number,
    validate_registration_number,
)

# Words that name the legal form, not the subject: "HTX Đồng Tâm" and
# "Hợp tác xã Nông nghiệp Đồng Tâm" are compared on what remains.
_FORM_WORDS = re.compile(
    r"\b(hop tac xa|htx|lien hiep|cong ty|cty|tnhh|mtv|1tv|2tv|co phan|cp|ctcp|"
    r"doanh nghiep tu nhan|dntn|ho kinh doanh|hkd|to hop tac|tht|co so|san xuat|"
    r"dich vu|nong nghiep|thuong mai|mot thanh vien)\b"
)

SUBJECT_FIELDS = [
    "name",
    "legal_form",
    "registration_number",
    "representative",
    "phone",
    "email",
    "commune",
    "address",
    "legacy_address",
    "led_by_woman",
    "ethnic_minority",
    "disadvantaged_area",
    "local_labour_share",
]


def core_name(name: str) -> str:
    return " ".join(_FORM_WORDS.sub(" ", fold_key(name)).split())


def find_similar_subjects(*, name: str, commune, exclude_pk=None) -> list[Subject]:
    """Subjects in the same commune whose name, without legal-form words, is
    the same or contains the other: shown as a warning before saving."""
    wanted = core_name(name)
    if not wanted or commune is None:
        return []
    candidates = Subject.objects.filter(commune=commune).exclude(pk=exclude_pk)
    return [
        s
        for s in candidates.only("id", "name", "registration_number", "commune_id")
        if (other := core_name(s.name)) and (other == wanted or other in wanted or wanted in other)
    ]


def _clean(subject: Subject) -> None:
    subject.registration_number = normalise_registration_number(subject.registration_number) or None
    if subject.registration_number:
        try:
            validate_registration_number(subject.registration_number, legal_form=subject.legal_form)
        except ValidationError as exc:
            raise ValidationError({"registration_number": exc.messages}) from exc
    subject.full_clean(exclude=["province"])


@transaction.atomic
def create_subject(*, by, data: dict) -> Subject:
    if not can_create_subject(by, data.get("commune")):
        raise PermissionDenied(_("You may only register subjects in your own unit."))
    subject = Subject(**{k: v for k, v in data.items() if k in SUBJECT_FIELDS})
    subject.province_id = subject.commune.province_id if subject.commune_id else None
    _clean(subject)
    subject.save()
    log_action(
        action="ocop.subject.created",
        by=by,
        obj=subject,
        unit=subject.commune,
        data={"registration_number": subject.registration_number, "name": subject.name},
    )
    return subject


@transaction.atomic
def update_subject(*, by, subject: Subject, data: dict) -> Subject:
    if not can_edit_subject(by, subject):
        raise PermissionDenied(_("You may not change this subject."))
    before = {f: getattr(subject, f) for f in SUBJECT_FIELDS}
    for field, value in data.items():
        if field in SUBJECT_FIELDS:
            setattr(subject, field, value)
    if subject.commune_id != getattr(before["commune"], "pk", None) and not can_create_subject(
        by, subject.commune
    ):
        raise PermissionDenied(_("You may only move a subject to a unit in your scope."))
    _clean(subject)
    subject.save()
    changes = changed_fields(before, subject)
    if changes:
        log_action(
            action="ocop.subject.changed", by=by, obj=subject, unit=subject.commune, data=changes
        )
    return subject


def authorise_consultant(*, by, subject: Subject, consultant) -> None:
    """A subject's producer (or an officer of its unit) authorises a consultant."""
    if not can_edit_subject(by, subject):
        raise PermissionDenied(_("You may not authorise consultants for this subject."))
    assign_role(by=None, user=consultant, role=Role.CONSULTANT, subject=subject)
    log_action(
        action="ocop.subject.consultant_authorised",
        by=by,
        obj=subject,
        unit=subject.commune,
        data={"consultant": consultant.username},
    )


# Bulk writes (the registry import) ------------------------------------------------

# What an import may change on a subject it matched.
BULK_UPDATE_FIELDS = [
    "registration_number",
    "legal_form",
    "commune",
    "province",
    "address",
    "legacy_address",
    "search_text",
    "updated_at",
]


def _derive(subject: Subject) -> None:
    """The columns ``Subject.save`` fills; the commune's province must be
    loaded (``commune.parent``) for the search text."""
    subject.province_id = subject.commune.province_id
    subject.name_key = fold_vi(subject.name)[:255]
    subject.search_text = subject_search_text(
        name=subject.name, registration_number=subject.registration_number, commune=subject.commune
    )


def bulk_save_subjects(*, new: list[Subject], changed: list[Subject], batch_size: int = 500):
    """Insert ``new`` and update ``changed`` subjects with bulk queries, with
    the columns ``Subject.save`` fills (``BULK_UPDATE_FIELDS`` of the changed
    ones). Used by the registry import, which logs the import as a whole;
    the primary keys of the new subjects are set."""
    now = timezone.now()
    for subject in new:
        _derive(subject)
    Subject.objects.bulk_create(new, batch_size=batch_size)
    for subject in changed:
        _derive(subject)
        subject.updated_at = now
    if changed:
        Subject.objects.bulk_update(changed, BULK_UPDATE_FIELDS, batch_size=batch_size)
