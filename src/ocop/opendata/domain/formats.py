"""Writing a data set's rows as CSV and JSON.

The CSV is what a spreadsheet in any locale reads without guessing: UTF-8
(with a byte-order mark, so that Excel reads the accents), a header row of the
stable English field names, dates as ISO 8601 ``YYYY-MM-DD``, times as
``YYYY-MM-DD HH:MM:SS`` in UTC, numbers with a dot as decimal separator and no
thousands separator, empty cells for missing values, and text that a
spreadsheet would take for a formula written with a leading apostrophe
(``core.xlsx.escape_cell``). The JSON keeps the types (numbers, ISO 8601
strings with their offset, null)."""

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ocop.core.xlsx import escape_cell


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return escape_cell(str(value))


def json_value(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_csv(names: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([csv_cell(row.get(name)) for name in names])
    return ("\ufeff" + buffer.getvalue()).encode()


def to_json(*, dataset, rows: list[dict], day: date, licence: dict) -> bytes:
    document = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "source": settings.SITE_URL,
        "snapshot_date": day.isoformat(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": licence,
        "count": len(rows),
        "fields": dataset.names,
        "rows": [{name: json_value(row.get(name)) for name in dataset.names} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
