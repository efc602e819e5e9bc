"""Cursor pagination: lists are ordered by id and cut after ``limit`` rows;
``next`` is an opaque cursor for the following page (null on the last one).
A cursor stays valid while rows are added or removed (keyset pagination), and
a page costs the same whatever its depth."""

import base64
import binascii
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Query, Schema
from ninja.errors import HttpError
from pydantic import Field

MAX_LIMIT = 100


class PageParams(Schema):
    cursor: str | None = Field(None, max_length=64, description="`next` of the previous page.")
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description="Rows per page (at most 100).")


PageQuery = Annotated[PageParams, Query()]


def encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = text.partition(":")
        if kind != "id":
            raise ValueError(kind)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise HttpError(400, _("The cursor is not valid: use the `next` of a page.")) from exc


def page(queryset, params: PageParams, serialise) -> dict:
    """One page of ``queryset`` (ordered here by id) as ``{"items", "next"}``."""
    queryset = queryset.order_by("pk")
    if params.cursor:
        queryset = queryset.filter(pk__gt=decode(params.cursor))
    rows = list(queryset[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return {
        "items": [serialise(row) for row in rows],
        "next": encode(rows[-1].pk) if more and rows else None,
    }
