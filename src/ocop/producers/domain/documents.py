"""Evidence documents: upload with content checks, validity flags."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.core.uploads import DOCUMENT_KINDS, check_upload
from ocop.producers.models import EXPIRING_DAYS, EvidenceDocument
from ocop.producers.rules import can_edit_subject


@transaction.atomic
def add_document(
    *,
    by,
    subject,
    doc_type: str,
    upload=None,
    product=None,
    number: str = "",
    issuer: str = "",
    issued_on=None,
    expires_on=None,
) -> EvidenceDocument:
    """Attach a document to a subject (or one of its products). The file is
    checked by content and size before anything is stored."""
    if not can_edit_subject(by, subject):
        raise PermissionDenied(_("You may not add documents to this subject."))
    if product is not None and product.subject_id != subject.pk:
        raise ValidationError(_("The product does not belong to this subject."))
    document = EvidenceDocument(
        subject=subject,
        product=product,
        doc_type=doc_type,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        expires_on=expires_on,
        uploaded_by=by,
    )
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})
    if upload is not None:
        kind = check_upload(upload, kinds=DOCUMENT_KINDS)
        document.original_name = (upload.name or "")[:255]
        document.content_type = kind.content_type
        document.size = upload.size
        document.file.save("upload", upload, save=False)
    document.full_clean(exclude=["file"])
    document.save()
    log_action(
        action="ocop.document.added",
        by=by,
        obj=subject,
        unit=subject.commune,
        data={"document": document.pk, "type": doc_type, "number": number},
    )
    return document


def expiring_documents(queryset, *, today=None):
    """Documents that expired or expire within EXPIRING_DAYS, soonest first."""
    today = today or timezone.localdate()
    return queryset.filter(
        expires_on__isnull=False, expires_on__lte=today + timedelta(days=EXPIRING_DAYS)
    ).order_by("expires_on")
