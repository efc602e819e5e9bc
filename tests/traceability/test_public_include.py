"""The include the public verification page shows for a batch: the minimum
traceability fields of Circular 02/2024/TT-BKHCN."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from ocop.traceability.domain.queries import public_batch
from ocop.traceability.enums import BizStep
from tests.factories.traceability import VN, ProductionBatchFactory, TraceEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):
    """This page is read in Vietnamese: dates dd/mm/yyyy and a decimal comma."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()


def _at(*args):
    return datetime.datetime(*args, tzinfo=VN)


@pytest.fixture
def batch(product_x):
    batch = ProductionBatchFactory(
        product=product_x,
        lot_code="NM-2025-031",
        production_date=datetime.date(2025, 3, 10),
        expiry_date=datetime.date(2027, 3, 9),
        quantity=Decimal("1500.50"),
        unit="chai 500 ml",
        standards="TCVN 5107:2018",
    )
    # Recorded out of order: the page lists them by time.
    TraceEventFactory(
        batch=batch,
        biz_step=BizStep.PACKING,
        event_time=_at(2025, 3, 12, 14, 5),
        place="Xưởng đóng chai Làng X",
        gln="8931234567897",
        description="Đóng chai thủy tinh",
    )
    TraceEventFactory(
        batch=batch,
        biz_step=BizStep.HARVESTING,
        event_time=_at(2025, 1, 5, 6, 0),
        place="Bến cá Làng X",
    )
    return batch


def test_public_batch_prefetches_events(batch, django_assert_num_queries):
    with django_assert_num_queries(2):
        loaded = public_batch(batch.pk)
        steps = [e.biz_step for e in loaded.events.all()]
    assert steps == [BizStep.HARVESTING, BizStep.PACKING]
    assert public_batch(0) is None
    assert public_batch(None) is None


def test_include_shows_circular_02_fields(batch, django_assert_num_queries):
    loaded = public_batch(batch.pk)
    with django_assert_num_queries(0):
        html = render_to_string("traceability/_public_batch.html", {"batch": loaded})
    assert "NM-2025-031" in html
    assert "10/03/2025" in html  # production date
    assert "09/03/2027" in html  # use by
    assert "1.500,50 chai 500 ml" in html  # Vietnamese decimal comma
    assert "TCVN 5107:2018" in html
    assert "Bến cá Làng X" in html
    assert "Xưởng đóng chai Làng X" in html
    assert "8931234567897" in html
    assert "Đóng chai thủy tinh" in html
    # Stages in time order, local time (Asia/Ho_Chi_Minh) dd/mm/yyyy HH:MM.
    assert html.index("05/01/2025 06:00") < html.index("12/03/2025 14:05")
    assert "<script" not in html
    assert "style=" not in html


def test_include_without_expiry_or_events(product_x):
    batch = ProductionBatchFactory(product=product_x, expiry_date=None, standards="")
    html = render_to_string("traceability/_public_batch.html", {"batch": public_batch(batch.pk)})
    assert batch.lot_code in html
    assert "—" in html


def test_include_shows_corrections_not_the_events_they_replace(product_x, producer_x):
    from ocop.traceability.domain import batches as domain

    batch = ProductionBatchFactory(product=product_x)
    wrong = domain.record_event(
        batch=batch,
        biz_step=BizStep.PACKING,
        event_time=_at(2025, 3, 12, 9, 0),
        place="Xưởng ghi nhầm",
        by=producer_x,
    )
    domain.correct_event(
        event=wrong,
        note="Sai xưởng",
        biz_step=BizStep.PACKING,
        event_time=_at(2025, 3, 12, 9, 0),
        place="Xưởng đúng",
        by=producer_x,
    )
    never = domain.record_event(
        batch=batch,
        biz_step=BizStep.SHIPPING,
        event_time=_at(2025, 3, 13, 9, 0),
        place="Chuyến hàng không có",
        by=producer_x,
    )
    domain.withdraw_event(event=never, note="Nhập nhầm", by=producer_x)
    html = render_to_string("traceability/_public_batch.html", {"batch": public_batch(batch.pk)})
    assert "Xưởng đúng" in html
    assert "Xưởng ghi nhầm" not in html
    assert "Chuyến hàng không có" not in html


def test_include_says_so_when_no_stage_is_in_force(product_x, producer_x):
    from ocop.traceability.domain import batches as domain

    batch = ProductionBatchFactory(product=product_x)
    event = domain.record_event(
        batch=batch,
        biz_step=BizStep.PACKING,
        event_time=_at(2025, 3, 12, 9, 0),
        place="Xưởng",
        by=producer_x,
    )
    domain.withdraw_event(event=event, note="Nhập nhầm", by=producer_x)
    with translation.override("en"):
        html = render_to_string("traceability/_public_batch.html", {"batch": batch})
    assert "No stages recorded." in html
