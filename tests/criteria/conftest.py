import copy
from datetime import date

import pytest
import yaml

from ocop.criteria.domain.loading import SHEETS_DIR

SHEET_1048 = SHEETS_DIR / "1048-rau-cu-qua-tuoi.yaml"


@pytest.fixture(scope="session")
def _sheet_1048_data():
    return yaml.safe_load(SHEET_1048.read_text(encoding="utf-8"))


@pytest.fixture
def sheet_data(_sheet_1048_data):
    """The shipped 1048 sheet under a code of its own (the shipped one is
    already loaded by the session set-up)."""
    data = copy.deepcopy(_sheet_1048_data)
    data["code"] = "TEST-1048"
    return data


@pytest.fixture
def in_use(product_x):
    """Put a sheet on a council session's agenda (it is then in use)."""
    from ocop.criteria.enums import EvaluationLevel
    from ocop.evaluation.models import AgendaItem, Council, Session

    def use(sheet):
        council = Council.objects.create(
            name="Hội đồng đánh giá sản phẩm OCOP tỉnh Thanh Hóa",
            level=EvaluationLevel.PROVINCE,
            decision_number="12/QĐ-UBND",
            decision_date=date(2025, 8, 1),
        )
        session = Session.objects.create(council=council, title="Phiên 1", date=date(2025, 9, 1))
        return AgendaItem.objects.create(session=session, product=product_x, sheet=sheet)

    return use


def criterion(data, code):
    """The criterion ``code`` of a sheet's data (for changing it in a test)."""

    def walk(node):
        for c in node.get("criteria", []):
            if c["code"] == code:
                return c
        for s in node.get("sections", []):
            found = walk(s)
            if found is not None:
                return found
        return None

    for part in data["parts"]:
        found = walk(part)
        if found is not None:
            return found
    raise KeyError(code)
