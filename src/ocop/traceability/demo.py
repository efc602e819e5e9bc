"""Demo data (``manage.py load_demo``): a production batch of the certified
fish sauce with its traceability steps, recorded by the producer through the
traceability domain, once the demo has certificates (``ctx.certified``).
Dates are days before ``ctx.today`` of the first run. Reads
``ctx.province``; sets ``ctx.lot`` (None without certificates)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from ocop.accounts.models import User
from ocop.products.models import Product
from ocop.traceability.domain.batches import record_batch, record_event
from ocop.traceability.enums import BizStep
from ocop.traceability.models import ProductionBatch

LOT_PRODUCT = "Nước mắm cá cơm Đồng Tâm"
PRODUCER = "sx.dongtam"
LOT = {
    "lot_code": "DT-NM-01",
    "produced_days_ago": 20,
    "shelf_life_days": 730,
    "quantity": Decimal(1200),
    "unit": "chai 500 ml",
    "standards": "TCVN 5107:2018 (nước mắm)",
}
LOT_EVENTS = [
    # (step, days before the production date (negative: after), hour, place, quantity, text)
    (
        BizStep.HARVESTING,
        380,
        time(5, 30),
        "Cửa Lạch Trường, xã Hoằng Hóa, tỉnh Thanh Hóa",
        None,
        "Cá cơm tươi đánh bắt trong ngày, ướp muối biển theo tỉ lệ 3 cá : 1 muối.",
    ),
    (
        BizStep.TRANSFORMING,
        0,
        time(7, 30),
        "Nhà thùng HTX Nông nghiệp Đồng Tâm, xã Hoằng Hóa",
        None,
        "Ủ chượp 12 tháng trong thùng gỗ; kéo rút và lọc nước mắm cốt.",
    ),
    (
        BizStep.PACKING,
        -1,
        time(14, 0),
        "Nhà thùng HTX Nông nghiệp Đồng Tâm, xã Hoằng Hóa",
        Decimal(1200),
        "Đóng chai thủy tinh 500 ml, dán nhãn.",
    ),
    (
        BizStep.SHIPPING,
        -15,
        time(8, 0),
        "Cửa hàng giới thiệu sản phẩm OCOP tỉnh Thanh Hóa, phường Hạc Thành",
        Decimal(400),
        "Giao 400 chai cho cửa hàng giới thiệu sản phẩm OCOP của tỉnh.",
    ),
]


def load(*, ctx) -> None:
    ctx.lot = _lot(ctx.province, today=ctx.today) if ctx.certified else None


def _lot(province, *, today) -> ProductionBatch:
    product = Product.objects.get(name=LOT_PRODUCT, province=province)
    lot = ProductionBatch.objects.filter(product=product, lot_code=LOT["lot_code"]).first()
    if lot is not None:
        return lot
    producer = User.objects.get(username=PRODUCER)
    produced = today - timedelta(days=LOT["produced_days_ago"])
    lot = record_batch(
        product=product,
        lot_code=LOT["lot_code"],
        production_date=produced,
        expiry_date=produced + timedelta(days=LOT["shelf_life_days"]),
        quantity=LOT["quantity"],
        unit=LOT["unit"],
        standards=LOT["standards"],
        by=producer,
    )
    for step, days_before, at, place, quantity, text in LOT_EVENTS:
        day = produced - timedelta(days=days_before)
        record_event(
            batch=lot,
            biz_step=step,
            event_time=timezone.make_aware(datetime.combine(day, at)),
            place=place,
            quantity=quantity,
            description=text,
            by=producer,
        )
    return lot
