"""The statistics layer: every dashboard, report and API reads its figures
here (see docs/architecture.md, "Statistics")."""

from .activities import EventFigures, events
from .figures import Breakdown, Figure
from .people import dossiers_by_state, ideas_and_plans, subjects
from .products import DIMENSIONS, certificate_changes, certified_products
from .sessions import SessionFigures, sessions_and_results
from .stamps import StampFigures, stamps

__all__ = [
    "DIMENSIONS",
    "Breakdown",
    "EventFigures",
    "Figure",
    "SessionFigures",
    "StampFigures",
    "certificate_changes",
    "certified_products",
    "dossiers_by_state",
    "events",
    "ideas_and_plans",
    "sessions_and_results",
    "stamps",
    "subjects",
]
