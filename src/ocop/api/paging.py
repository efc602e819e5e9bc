"""Cursor pagination: lists are ordered by id and cut after ``limit`` rows;
``next`` is an opaque cursor for the following page (null on the last one).
A cursor stays valid while rows are added or removed (keyset pagination), and
a page costs the same whatever its depth."""

from typing import Annotated

from ninja import Query, Schema
from pydantic import Field

MAX_LIMIT = 100


class PageParams(Schema):
    cursor: str | None = Field(
        None, pattern="^[0-9]{1,18}$", description="`next` of the previous page (opaque)."
    )
    limit: int = Field(25, ge=1, le=MAX_LIMIT, description="Rows per page (at most 100).")


PageQuery = Annotated[PageParams, Query()]


def encode(pk: int) -> str:
    return str(pk)


def decode(cursor: str) -> int:
    return int(cursor)


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
