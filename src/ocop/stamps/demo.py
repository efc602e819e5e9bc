"""Demo data (``manage.py load_demo``): 40 OCOP stamps for the demo's
production batch (``ctx.lot``, from the traceability demo), requested by the
producer and approved by the province, and one request still waiting; each
created only if missing, through the stamps domain. Sets ``ctx.stamp``: the
first stamp of the approved batch (its page is the demo's), None without
certificates."""

from ocop.accounts.models import User
from ocop.products.models import Product
from ocop.stamps.domain.batches import request_stamps, set_batch_state
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.enums import RequestState
from ocop.stamps.models import Stamp, StampBatch

PRODUCER = "sx.dongtam"
STAMP_OFFICER = "tinh.canbo"
APPROVED_STAMPS = 40
PENDING_REQUEST = {"quantity": 500, "note": "Tem cho đợt hàng Tết (dữ liệu demo)."}


def load(*, ctx) -> None:
    ctx.stamp = _stamps(ctx.lot) if ctx.lot is not None else None
    if ctx.stamp is not None:
        product = ctx.stamp.batch.product
        ctx.notes.append(
            f"Demo stamp {ctx.stamp.serial} ({product.name}): "
            f"{stamp_url(token=ctx.stamp.token, gtin=product.gtin, lot=ctx.lot.lot_code)}"
        )


def _stamps(lot) -> Stamp | None:
    product = Product.objects.get(pk=lot.product_id)
    producer = User.objects.get(username=PRODUCER)
    officer = User.objects.get(username=STAMP_OFFICER)
    approved = (
        StampBatch.objects.filter(product=product, production_batch=lot).order_by("pk").first()
    )
    if approved is None:
        approved = request_stamps(
            product=product, quantity=APPROVED_STAMPS, production_batch=lot, by=producer
        )
        approved = set_batch_state(batch=approved, action="approve", by=officer)
    if not StampBatch.objects.filter(product=product, note=PENDING_REQUEST["note"]).exists():
        request_stamps(product=product, by=producer, **PENDING_REQUEST)
    if approved.state != RequestState.APPROVED:
        return None
    return (
        Stamp.objects.filter(batch=approved)
        .select_related("batch__product")
        .order_by("serial")
        .first()
    )
