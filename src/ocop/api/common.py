"""Helpers shared by the API's routers: unit codes, one-object lookups."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError

from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit

from .errors import Error

# The error answers an operation declares (schema.py adds the common ones).
NOT_FOUND = {404: Error}
WRITE_ERRORS = {404: Error, 409: Error}


class Page(Schema):
    next: str | None


def unit(code: str | None, level: str) -> AdminUnit | None:
    """The 2025 unit with this code at this level; 422 when there is none."""
    if not code:
        return None
    found = AdminUnit.objects.filter(era=Era.CURRENT, level=level, code=code.strip()).first()
    if found is None:
        what = _("province") if level == Level.PROVINCE else _("commune")
        raise HttpError(
            422,
            _("There is no %(what)s with the code %(code)s.")
            % {
                "what": what,
                "code": code[:20],
            },
        )
    return found


def one(queryset, pk: int):
    return get_object_or_404(queryset, pk=pk)


def code_of(unit_obj) -> str | None:
    return unit_obj.code if unit_obj is not None else None


def name_of(unit_obj) -> str | None:
    return unit_obj.name if unit_obj is not None else None
