import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from ocop.traceability.enums import BizStep
from ocop.traceability.models import ProductionBatch, TraceEvent
from tests.factories.registry import ProductFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class ProductionBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionBatch

    product = factory.SubFactory(ProductFactory)
    lot_code = factory.Sequence(lambda n: f"LO{n:05d}")
    production_date = datetime.date(2025, 3, 10)
    expiry_date = datetime.date(2027, 3, 10)
    quantity = Decimal(1200)
    unit = "chai"
    standards = "TCVN 5107:2018; HACCP"


class TraceEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraceEvent

    batch = factory.SubFactory(ProductionBatchFactory)
    biz_step = BizStep.PACKING
    event_time = datetime.datetime(2025, 3, 12, 9, 30, tzinfo=VN)
    place = "Xưởng đóng chai, thôn Đông"


def StampRequestFor(batch, *, by, quantity=100):
    """A stamp request that names the production batch (as the stamps app records it)."""
    from ocop.stamps.models import StampBatch

    return StampBatch.objects.create(
        product=batch.product, production_batch=batch, quantity=quantity, requested_by=by
    )
