"""A mean of 89.9966… is 4★ (below the 90 of 5★): no page, minutes, annex,
certificate or spreadsheet may show it as "90,00". Scored through the domain
on a sheet with a number criterion so that one member's total is 89.99."""

import copy
import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader

from ocop.certification.documents import render_certificate, render_decision
from ocop.certification.models import Certificate
from ocop.criteria.domain.loading import SHEETS_DIR, load_sheet_data
from ocop.criteria.models import Sheet
from ocop.evaluation.domain import scoring, sessions
from ocop.evaluation.domain.documents import render_minutes, results_workbook
from ocop.evaluation.enums import MemberRole
from ocop.evaluation.models import Scoresheet
from tests.factories.certification import issued_decision
from tests.factories.evaluation import council_with_members, open_session, pick_best

pytestmark = pytest.mark.django_db

# All best but 6.2 "b" (1 of 8) and 5.2 "a" (0 of 3): 90 points with 1.1 at 3.
OVERRIDES = {"6.2": ["b"], "5.2": ["a"]}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def number_sheet() -> Sheet:
    """The 1048 sheet with criterion 1.1 typed as a number from 0 to 3."""
    data = yaml.safe_load((SHEETS_DIR / "1048-rau-cu-qua-tuoi.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["code"] = "TEST-TRUTHFUL"
    criterion = data["parts"][0]["sections"][0]["criteria"][0]
    assert criterion["code"] == "1.1"
    criterion.pop("options")
    criterion.update({"kind": "number", "min": 0, "max_value": 3})
    load_sheet_data(data)
    return Sheet.objects.get(code="TEST-TRUTHFUL")


@pytest.fixture
def scored(province_officer, product_x):
    """Three members: 90, 90 and 89.99 points; mean 269.99 / 3 = 89.99666…"""
    council, _members = council_with_members(officer=province_officer, members=3)
    session = open_session(
        officer=province_officer, council=council, products=[product_x], sheet=number_sheet()
    )
    item = session.items.get()
    members = list(council.members.filter(body="council").order_by("id"))
    for member, value in zip(members, ["3", "3", "2.99"], strict=True):
        sheet = Scoresheet.objects.get(item=item, member=member)
        for criterion in item.sheet.criteria.prefetch_related("options"):
            scoring.save_answer(
                scoresheet=sheet,
                criterion_code=criterion.code,
                by=member.user,
                options=()
                if criterion.kind == "number"
                else OVERRIDES.get(criterion.code, pick_best(criterion)),
                value=value if criterion.kind == "number" else None,
            )
        scoring.submit_scoresheet(scoresheet=sheet, by=member.user)
    item.refresh_from_db()
    chair = next(m for m in members if m.role == MemberRole.CHAIR)
    session = sessions.set_session_state(session=session, action="close", by=chair.user)
    return session, item


def test_the_result_is_4_stars_and_shown_as_89_99(scored):
    _session, item = scored
    assert (item.score, item.star, item.recognised_star, item.proposed) == (
        Fraction(26999, 300),
        4,
        4,
        False,
    )
    assert item.score_display == Decimal("89.99")


def test_the_minutes_and_the_results_table_show_89_99(scored, product_x):
    session, _item = scored
    text = pdf_text(render_minutes(session=session))
    assert "89,99" in text
    assert "90,00" not in text
    workbook = load_workbook(io.BytesIO(results_workbook(session=session)))
    row = next(r for r in workbook["Kết quả"].iter_rows(min_row=2) if r[1].value == product_x.name)
    assert (row[8].value, row[8].number_format, row[11].value) == (89.99, "0.00", 4)


def test_the_annex_and_the_certificate_show_89_99_next_to_4_stars(scored, province_officer):
    session, item = scored
    decision = issued_decision(session=session, by=province_officer, day=date(2025, 9, 30))
    annex = pdf_text(render_decision(decision=decision))
    assert "4 sao 89,99" in annex
    assert "90,00" not in annex
    certificate = Certificate.objects.get(product=item.product)
    assert (certificate.star, certificate.score) == (4, Decimal("89.99"))
    text = pdf_text(render_certificate(certificate=certificate, today=date(2026, 1, 5)))
    assert "Đạt hạng 4 sao — 89,99 điểm" in text
    assert "90,00" not in text
