"""Checking uploaded files: by content as well as extension, and by size.

Only PDF, JPEG, PNG, DOCX and XLSX are accepted for evidence documents, and
only JPEG and PNG for images. A file whose content does not match its
extension (an executable renamed to .pdf, say) is refused, with a message in
the user's language, before anything is stored.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    key: str
    extensions: tuple[str, ...]
    content_type: str
    label: str


PDF = FileKind("pdf", (".pdf",), "application/pdf", "PDF")
JPEG = FileKind("jpeg", (".jpg", ".jpeg"), "image/jpeg", "JPEG")
PNG = FileKind("png", (".png",), "image/png", "PNG")
DOCX = FileKind(
    "docx",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
)
XLSX = FileKind(
    "xlsx", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
)
DOCUMENT_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
IMAGE_KINDS = (JPEG, PNG)


def _sniff(upload) -> str | None:
    """The kind the file's bytes show, whatever its name says."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def check_upload(upload, *, kinds=DOCUMENT_KINDS, max_bytes: int | None = None) -> FileKind:
    """Return the file's kind, or raise ValidationError with a specific message."""
    max_bytes = max_bytes or settings.OCOP_UPLOAD_MAX_BYTES
    allowed = ", ".join(k.label for k in kinds)
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    extension = PurePath(upload.name or "").suffix.lower()
    by_name = next((k for k in kinds if extension in k.extensions), None)
    if by_name is None:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Accepted types: %(allowed)s.")
            % {"ext": extension or "?", "allowed": allowed},
            code="type_not_allowed",
        )
    if _sniff(upload) != by_name.key:
        raise ValidationError(
            _(
                "The content of “%(name)s” is not a real %(label)s file. The file may be "
                "damaged or renamed; it was not saved."
            )
            % {"name": PurePath(upload.name).name, "label": by_name.label},
            code="content_mismatch",
        )
    return by_name
