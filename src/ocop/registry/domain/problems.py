"""What an import reports: problems with their row and column, the columns
it read, and its result."""

from collections import Counter
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from ocop.core.xlsx import cell_text
from ocop.registry.models import ImportBatch

from .fields import MAX_STORED_PROBLEMS

# Problems ---------------------------------------------------------------------


ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    """A bad (error) or doubtful (warning) value, with its Excel row and column."""

    row: int
    column: str
    code: str
    message: str
    severity: str = ERROR
    value: str = ""

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": str(self.message),
            "severity": self.severity,
            "value": self.value,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Problem":
        return cls(**{k: data.get(k, "") for k in cls.__dataclass_fields__})

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class BadValue(Exception):
    """A bad value: raised by the parsers, reported as a Problem (``code`` is
    stable; ``message`` is translated)."""

    def __init__(self, code: str, message: str, severity: str = ERROR):
        super().__init__(message)
        self.code, self.message, self.severity = code, message, severity
        self.column = ""  # for address problems: the column they come from
        self.text = ""


@dataclass
class Column:
    index: int  # 0-based
    header: str
    field: str = ""

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    @property
    def label(self) -> str:
        return self.header or self.letter

    def as_dict(self) -> dict:
        return {"index": self.index, "header": self.header, "field": self.field}


@dataclass
class ImportResult:
    header_row: int
    columns: list[Column]
    summary: dict
    problems: list[Problem]
    applied: bool = False
    batch: ImportBatch | None = None

    @property
    def unrecognised(self) -> list[Column]:
        return [c for c in self.columns if not c.field and c.header]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class Counts:
    rows: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    certificates_created: int = 0


@dataclass
class Report:
    """The problems and counts of one import, filled as it reads and plans."""

    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter = field(default_factory=Counter)
    error_rows: set[int] = field(default_factory=set)
    counts: Counts = field(default_factory=Counts)

    def problem(self, row: int, column: str, bad: BadValue, value="") -> None:
        self.problem_counts[bad.severity] += 1
        if bad.severity == ERROR:
            self.error_rows.add(row)
        if len(self.problems) < MAX_STORED_PROBLEMS:
            self.problems.append(
                Problem(
                    row, column, bad.code, str(bad.message), bad.severity, cell_text(value)[:200]
                )
            )

    @property
    def has_errors(self) -> bool:
        return self.problem_counts[ERROR] > 0
