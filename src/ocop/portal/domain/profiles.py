"""Writing a subject's public profile and its consent."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.producers.rules import can_edit_subject

from ..models import PUBLISHABLE, PublicProfile

SHOW_FIELDS = tuple(f"show_{name}" for name in (*PUBLISHABLE, "website"))


def can_edit_profile(user, subject) -> bool:
    """The subject's own producers and consultants, and officers whose unit covers it."""
    return can_edit_subject(user, subject)


@transaction.atomic
def save_public_profile(*, subject, by, data: dict) -> PublicProfile:
    """Save what the subject publishes. Consent is recorded (who, when) each
    time a detail is published; the log keeps the fields before and after."""
    if not can_edit_profile(by, subject):
        raise PermissionDenied(_("You may not change this subject's public page."))
    profile, _created = PublicProfile.objects.select_for_update().get_or_create(subject=subject)
    before = {name: getattr(profile, name) for name in SHOW_FIELDS}
    profile.story = (data.get("story") or "").strip()
    profile.website = (data.get("website") or "").strip()
    for name in SHOW_FIELDS:
        setattr(profile, name, bool(data.get(name)))
    after = {name: getattr(profile, name) for name in SHOW_FIELDS}
    if any(after.values()):
        profile.consented_by = by
        profile.consented_at = timezone.now()
    else:
        profile.consented_by = None
        profile.consented_at = None
    profile.save()
    log_action(
        action="ocop.public_profile.saved",
        by=by,
        obj=subject,
        unit=subject.commune,
        data={
            "before": before,
            "after": after,
            "published": profile.published_fields(),
            "consent": bool(any(after.values())),
        },
    )
    return profile
