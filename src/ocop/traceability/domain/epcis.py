"""A production batch's events as an EPCIS 2.0 JSON-LD document.

How our records map to EPCIS 2.0 (GS1 EPCIS and CBV 2.0):

* One ``ObjectEvent`` per recorded event, in time order. Events later
  declared wrong are included with an ``errorDeclaration`` (time, CBV reason
  ``incorrect_data`` or ``did_not_occur``, and the ids of the correcting
  events), as EPCIS shares corrections: a receiver that already holds the
  wrong event learns to discard it.
* What: a ``quantityList`` with one element. ``epcClass`` is the GS1 Digital
  Link of the lot, ``https://id.gs1.org/01/{GTIN-14}/10/{lot}``, when the
  product has a GTIN; otherwise ``urn:ocop:lot:{province code}:{uuid}`` with
  the batch's public id (no database id is exposed). ``quantity`` is the
  event's quantity, or the batch's when the event gives none; ``uom`` is the
  UN/CEFACT Rec. 20 code for units of measure (kg, g, tonne, litre, ml) and
  is left out for counted units (bottles, boxes…), which EPCIS reads as a
  count of items.
* When: ``eventTime`` in Vietnam time with ``eventTimeZoneOffset`` "+07:00".
* Where: ``readPoint`` and ``bizLocation`` are the GLN as a GS1 Digital Link
  (``https://id.gs1.org/414/{GLN}``) when one was recorded. A place given
  only in words gets no identifier (inventing one from free text would make
  two spellings of one place look like two locations, and one spelling used
  by two producers look like one). The place's name, as written, is always
  given in the extension property ``ocop:placeName``.
* Why: ``bizStep`` is a CBV 2.0 short name. CBV has no step for harvesting
  or for processing, so harvesting is given as ``commissioning`` (the lot's
  raw material enters the record) and processing as ``other``; our own step
  is always kept in ``ocop:step``. ``disposition`` is given where CBV pairs
  one with the step (active, in_transit, in_progress, retail_sold).
* ``action`` is ADD for the first harvesting or production-start event (the
  lot comes into being) and OBSERVE otherwise. That ADD event carries the lot
  data (ILMD): CBV ``cbvmda:lotNumber`` and ``cbvmda:itemExpirationDate``
  (the ``cbvmda`` prefix comes from the GS1 context, as in GS1's examples),
  and ``ocop:productionDate`` and ``ocop:standards``.
* ``eventID`` is ``urn:uuid:{the event's public id}``, stable across exports.
"""

import datetime
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ocop.core.text import fold_key
from ocop.traceability.enums import BizStep
from ocop.traceability.models import ProductionBatch, TraceEvent

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DIGITAL_LINK = "https://id.gs1.org"

CBV_STEP = {
    BizStep.HARVESTING: "commissioning",
    BizStep.COMMISSIONING: "commissioning",
    BizStep.TRANSFORMING: "other",
    BizStep.INSPECTING: "inspecting",
    BizStep.PACKING: "packing",
    BizStep.STORING: "storing",
    BizStep.SHIPPING: "shipping",
    BizStep.RECEIVING: "receiving",
    BizStep.RETAIL_SELLING: "retail_selling",
}
CBV_DISPOSITION = {
    BizStep.HARVESTING: "active",
    BizStep.COMMISSIONING: "active",
    BizStep.SHIPPING: "in_transit",
    BizStep.RECEIVING: "in_progress",
    BizStep.RETAIL_SELLING: "retail_sold",
}
ORIGIN_STEPS = {BizStep.HARVESTING, BizStep.COMMISSIONING}

# Units of measure as producers write them (folded) -> UN/CEFACT Rec. 20 code.
UNIT_CODES = {
    "kg": "KGM",
    "kilogram": "KGM",
    "ki lo gam": "KGM",
    "can": "KGM",
    "g": "GRM",
    "gr": "GRM",
    "gam": "GRM",
    "gram": "GRM",
    "tan": "TNE",
    "tonne": "TNE",
    "l": "LTR",
    "lit": "LTR",
    "litre": "LTR",
    "liter": "LTR",
    "ml": "MLT",
    "mililit": "MLT",
}


def extension_namespace() -> str:
    """The namespace of our own properties (``ocop:``), on this site."""
    return f"{settings.SITE_URL}/ns/traceability#"


def unit_code(unit: str) -> str | None:
    """The UN/CEFACT code of a unit of measure, or None for a counted unit."""
    return UNIT_CODES.get(fold_key(unit))


def lot_class_id(batch: ProductionBatch) -> str:
    """The EPC class (what) of a lot: GS1 Digital Link when the product has a
    GTIN, else an OCOP URN with the batch's public id."""
    gtin = "".join((batch.product.gtin or "").split())
    if gtin:
        return f"{DIGITAL_LINK}/01/{gtin.zfill(14)}/10/{quote(batch.lot_code, safe='')}"
    return f"urn:ocop:lot:{batch.product.province.code}:{batch.public_id}"


def location_id(gln: str) -> str:
    return f"{DIGITAL_LINK}/414/{gln}"


def event_id(event: TraceEvent) -> str:
    return f"urn:uuid:{event.public_id}"


def _vietnam_time(value: datetime.datetime) -> str:
    return value.astimezone(VIETNAM).isoformat(timespec="seconds")


def _offset(value: datetime.datetime) -> str:
    return value.astimezone(VIETNAM).isoformat()[-6:]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _adding_events(events: list[TraceEvent]) -> set[int]:
    """The events recorded with action ADD: the first harvesting or
    production-start event among those in force, and for events declared wrong
    the one that was first among all events (what they were when shared)."""
    chosen: set[int] = set()
    in_force = [e for e in events if e.error_declared_at is None and e.biz_step in ORIGIN_STEPS]
    if in_force:
        chosen.add(in_force[0].pk)
    every = [e for e in events if e.biz_step in ORIGIN_STEPS]
    if every and every[0].error_declared_at is not None:
        chosen.add(every[0].pk)
    return chosen


def _lot_data(batch: ProductionBatch) -> dict:
    ilmd = {"cbvmda:lotNumber": batch.lot_code}
    if batch.expiry_date:
        ilmd["cbvmda:itemExpirationDate"] = batch.expiry_date.isoformat()
    ilmd["ocop:productionDate"] = batch.production_date.isoformat()
    if batch.standards:
        ilmd["ocop:standards"] = batch.standards
    return ilmd


def _event(event: TraceEvent, *, batch, action: str, corrected_by: list[str]) -> dict:
    quantity = {
        "epcClass": lot_class_id(batch),
        "quantity": _number(event.quantity if event.quantity is not None else batch.quantity),
    }
    uom = unit_code(batch.unit)
    if uom:
        quantity["uom"] = uom
    data = {
        "type": "ObjectEvent",
        "eventID": event_id(event),
        "eventTime": _vietnam_time(event.event_time),
        "eventTimeZoneOffset": _offset(event.event_time),
        "recordTime": _vietnam_time(event.recorded_at),
        "action": action,
        "bizStep": CBV_STEP[BizStep(event.biz_step)],
        "quantityList": [quantity],
    }
    disposition = CBV_DISPOSITION.get(BizStep(event.biz_step))
    if disposition:
        data["disposition"] = disposition
    if event.gln:
        data["readPoint"] = {"id": location_id(event.gln)}
        data["bizLocation"] = {"id": location_id(event.gln)}
    if action == "ADD":
        data["ilmd"] = _lot_data(batch)
    if event.error_declared_at is not None:
        data["errorDeclaration"] = {
            "declarationTime": _vietnam_time(event.error_declared_at),
            "reason": event.error_reason,
            "correctiveEventIDs": corrected_by,
        }
    data["ocop:step"] = event.biz_step
    data["ocop:placeName"] = event.place
    if not uom:
        data["ocop:unit"] = batch.unit
    if event.description:
        data["ocop:description"] = event.description
    return data


def epcis_document(*, batch: ProductionBatch, now: datetime.datetime | None = None) -> dict:
    """The EPCIS 2.0 document (a dict ready for ``json.dumps``) of a batch."""
    now = now or timezone.now()
    events = list(batch.events.order_by("event_time", "id"))
    corrected_by: dict[int, list[str]] = {}
    for event in events:
        if event.corrects_id:
            corrected_by.setdefault(event.corrects_id, []).append(event_id(event))
    adding = _adding_events(events)
    return {
        "@context": [EPCIS_CONTEXT, {"ocop": extension_namespace()}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _vietnam_time(now),
        "epcisBody": {
            "eventList": [
                _event(
                    event,
                    batch=batch,
                    action="ADD" if event.pk in adding else "OBSERVE",
                    corrected_by=corrected_by.get(event.pk, []),
                )
                for event in events
            ]
        },
    }
