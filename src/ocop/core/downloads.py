"""Serving stored files only through views that check permission."""

import mimetypes

from django.http import FileResponse, HttpResponse

from ocop.core.text import fold_key

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def file_response(field_file, *, filename: str, content_type: str = "", inline: bool = False):
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    safe_name = fold_key(filename.rsplit(".", 1)[0]).replace(" ", "-")[:80] or "tep"
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type,
        as_attachment=not (inline and content_type in INLINE_TYPES),
        filename=f"{safe_name}.{extension}" if extension else safe_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def bytes_response(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
