"""Capacity building, publicity and support: the events report's figures
(``ocop.events.domain.report.build_report``), not counted a second time."""

from dataclasses import dataclass
from datetime import date

from ocop.events.domain.report import Report, build_report
from ocop.geo.models import AdminUnit

from .figures import Figure, iso

REPORT = "events:report"


@dataclass
class EventFigures:
    """The events report of a unit and period, and the main totals, each
    linked to the report page with the same unit and dates."""

    report: Report
    activities: Figure
    attendances: Figure
    subjects_attended: Figure
    subjects_supported: Figure


def events(*, unit: AdminUnit | None = None, start: date, end: date) -> EventFigures:
    """The events report's figures for ``unit`` (None = the nation) from
    ``start`` to ``end`` (both included). Seven queries."""
    report = build_report(unit=unit, date_from=start, date_to=end)
    params = {
        "unit": str(unit.pk) if unit is not None else "",
        "date_from": iso(start),
        "date_to": iso(end),
    }

    def figure(value: int) -> Figure:
        return Figure(value, REPORT, dict(params))

    return EventFigures(
        report=report,
        activities=figure(report.activity_count),
        attendances=figure(report.attendances),
        subjects_attended=figure(report.subjects_attended),
        subjects_supported=figure(report.subjects_supported),
    )
