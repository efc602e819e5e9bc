"""The plain data the statistics layer returns, and the unit it is scoped by.

Every count is a ``Figure``: its value and the filtered list that shows the
same rows (``list_name`` — a URL name — and its query ``params``), so a page
can link each number to that list (``figure.url``)."""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from ocop.geo.enums import Level
from ocop.geo.models import AdminUnit


@dataclass
class Figure:
    value: int
    list_name: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        base = reverse(self.list_name)
        return f"{base}?{urlencode(self.params)}" if self.params else base


@dataclass
class Breakdown:
    """Counts by some dimensions: ``cells[(v1, v2, …)]`` in the order of
    ``by``, and the ``total`` (every row, whatever the dimensions' values)."""

    by: tuple[str, ...]
    total: Figure
    cells: dict[tuple, Figure]
    as_of: date
    # How a cell's list filter is written: the parameter of each dimension and
    # the value each dimension's values stand for in the list's filter (a
    # group's code → its id), so that an empty cell links to its empty list.
    param_names: tuple[str, ...] = ()
    param_values: dict[str, dict] = field(default_factory=dict)

    def cell(self, *key) -> Figure | None:
        """The cell's figure; a 0 linked to its (empty) filtered list when no
        row has those values (None only where the filter cannot be written)."""
        key = tuple(key)
        found = self.cells.get(key)
        if found is not None or len(self.param_names) != len(key):
            return found
        params = dict(self.total.params)
        for dimension, name, value in zip(self.by, self.param_names, key, strict=True):
            if dimension in self.param_values:  # e.g. a group of an older classification
                value = self.param_values[dimension].get(value)
            if value is None or value == "":
                return None
            params[name] = str(value)
        return Figure(0, self.total.list_name, params)

    def values(self, dimension: str) -> list:
        """The values of one dimension that have a cell, sorted."""
        index = self.by.index(dimension)
        return sorted({key[index] for key in self.cells}, key=_sort_key)


def _sort_key(value):
    return (value is None, str(type(value)), value if value is not None else 0)


def resolve_as_of(as_of: date | None) -> tuple[date, date]:
    """(the day counted, today)."""
    today = timezone.localdate()
    return (as_of or today), today


def unit_params(unit: AdminUnit | None) -> dict[str, str]:
    """The list filter naming the unit (nothing for the nation)."""
    if unit is None:
        return {}
    if unit.level == Level.PROVINCE:
        return {"province": str(unit.pk)}
    if unit.level == Level.COMMUNE:
        return {"commune": str(unit.pk)}
    raise ValueError(f"Statistics are scoped by a 2025 province or commune, not {unit}.")


def unit_filter(unit: AdminUnit | None, *, prefix: str = "") -> dict:
    """The queryset filter of the unit, for rows with ``{prefix}province`` and
    ``{prefix}commune`` columns."""
    params = unit_params(unit)
    return {f"{prefix}{name}": unit for name in params}


def iso(day: date) -> str:
    return day.isoformat()
