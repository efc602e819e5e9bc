"""Files of an activity: teaching materials (documents) and photos of the event.

A file is checked by its content as well as its name before anything is
stored (``ocop.core.uploads.check_upload``); adding and removing are logged.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.core.uploads import DOCUMENT_KINDS, IMAGE_KINDS, check_upload

from .. import rules
from ..models import Activity, ActivityFile

KINDS_BY_FILE_KIND = {
    ActivityFile.Kind.MATERIAL: DOCUMENT_KINDS,
    ActivityFile.Kind.PHOTO: IMAGE_KINDS,
}


@transaction.atomic
def add_file(*, activity: Activity, by, kind: str, upload, caption: str = "") -> ActivityFile:
    """Store a material or a photo of ``activity``, or refuse with a reason."""
    if not rules.can_manage(by, activity):
        raise PermissionDenied(_("You may not change this activity."))
    if kind not in KINDS_BY_FILE_KIND:
        raise ValidationError({"kind": [_("Choose whether the file is a material or a photo.")]})
    if upload is None:
        raise ValidationError({"upload": [_("Choose a file.")]})
    try:
        file_kind = check_upload(upload, kinds=KINDS_BY_FILE_KIND[kind])
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from error
    original_name = (upload.name or "")[-255:]
    stored = ActivityFile(
        activity=activity,
        kind=kind,
        caption=caption.strip()[:300],
        original_name=original_name,
        content_type=file_kind.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    stored.file.save(original_name, upload, save=False)
    stored.save()
    log_action(
        action="ocop.activity.file_added",
        by=by,
        obj=activity,
        unit=activity.unit,
        data={"file": stored.pk, "kind": kind, "name": original_name},
    )
    return stored


@transaction.atomic
def remove_file(*, file: ActivityFile, by) -> None:
    activity = file.activity
    if not rules.can_manage(by, activity):
        raise PermissionDenied(_("You may not change this activity."))
    data = {"file": file.pk, "kind": file.kind, "name": file.original_name}
    stored = file.file
    file.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    log_action(
        action="ocop.activity.file_removed", by=by, obj=activity, unit=activity.unit, data=data
    )
