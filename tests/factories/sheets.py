"""Transcribed 148 sheets for the tests, loaded through the real loader.

``tests/criteria/data/set-01-rau-cu-qua-hat-tuoi.yaml`` is set 1 of Phụ lục III
(fresh vegetables) written from the shared reference CSV in the shape agreed
with the sheet converter: each star mark on an option is a mandatory condition
"this option or one worth more" for its star level, described "<criterion code>
<criterion text>".
"""

from pathlib import Path

import yaml

from ocop.criteria.domain.loading import load_sheet_data
from ocop.criteria.models import Sheet

SET_1 = (
    Path(__file__).resolve().parent.parent / "criteria" / "data" / "set-01-rau-cu-qua-hat-tuoi.yaml"
)


def set_1_data() -> dict:
    return yaml.safe_load(SET_1.read_text(encoding="utf-8"))


def sheet_148_set_1() -> Sheet:
    """The set-1 sheet, loaded (idempotently) into the test database."""
    load_sheet_data(set_1_data())
    return Sheet.objects.get(code="148-test-set-01", superseded_by__isnull=True)
