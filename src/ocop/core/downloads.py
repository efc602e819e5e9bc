"""Serving stored files only through views that check permission.

Every stored file (uploads, prepared label sheets) goes out through
``file_response`` and every generated document through ``bytes_response``:

- the content type is one of the types we accept or produce
  (``SERVED_TYPES``); anything else, whatever the stored name or content type
  says, goes out as ``application/octet-stream``, so a stored file is never
  served as HTML, SVG or script;
- only PDF, JPEG and PNG may be shown inline, and only when the view asks for
  it; everything else is an attachment;
- ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy:
  default-src 'none'; sandbox``, so that even a file a browser opens runs
  nothing and loads nothing;
- ``Cache-Control: private, no-store``: no proxy or browser cache keeps it.
"""

import mimetypes

from django.http import FileResponse, HttpResponse

from ocop.core.text import fold_key
from ocop.core.uploads import DOCUMENT_KINDS

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}
SERVED_TYPES = {kind.content_type for kind in DOCUMENT_KINDS} | {"application/zip"}
FALLBACK_TYPE = "application/octet-stream"
FILE_CSP = "default-src 'none'; sandbox"


def _harden(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response


def served_type(content_type: str, filename: str) -> str:
    """The content type a stored file is served with: its own if it is one we
    accept or produce, else ``application/octet-stream``."""
    content_type = (content_type or mimetypes.guess_type(filename)[0] or "").lower()
    content_type = content_type.split(";", 1)[0].strip()
    return content_type if content_type in SERVED_TYPES else FALLBACK_TYPE


def file_response(field_file, *, filename: str, content_type: str = "", inline: bool = False):
    content_type = served_type(content_type, filename)
    safe_name = fold_key(filename.rsplit(".", 1)[0]).replace(" ", "-")[:80] or "tep"
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type,
        as_attachment=not (inline and content_type in INLINE_TYPES),
        filename=f"{safe_name}.{extension}" if extension else safe_name,
    )
    return _harden(response)


def bytes_response(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _harden(response)
