"""Officers' review of flagged stamps: clearing a flag with a note."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.stamps.models import Stamp

from ..models import FlagReview
from ..rules import can_handle


@transaction.atomic
def clear_stamp_flag(*, stamp: Stamp, by, note: str, visit=None) -> FlagReview:
    """Clear a stamp's flag after review, keeping the flag and the note in a
    FlagReview (with the inspection ``visit`` that resolved it, if any).
    Scans before now no longer count towards a new flag."""
    stamp = (
        Stamp.objects.select_for_update()
        .select_related("batch__product__province")
        .get(pk=stamp.pk)
    )
    province = stamp.batch.product.province
    if not can_handle(by, province):
        raise PermissionDenied(_("You cannot review stamps of this province."))
    if stamp.flagged_at is None:
        raise ValidationError(_("This stamp is not flagged."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what the review found.")})
    now = timezone.now()
    review = FlagReview.objects.create(
        stamp=stamp,
        flagged_at=stamp.flagged_at,
        flag_reason=stamp.flag_reason,
        note=note,
        by=by,
        at=now,
        visit=visit,
    )
    log_action(
        action="ocop.stamp.flag_cleared",
        by=by,
        obj=stamp,
        unit=province,
        data={
            "flagged_at": stamp.flagged_at.isoformat(),
            "reason": stamp.flag_reason,
            "note": note,
            "visit": visit.pk if visit is not None else None,
        },
    )
    stamp.flagged_at = None
    stamp.flag_reason = ""
    stamp.save(update_fields=["flagged_at", "flag_reason"])
    return review
