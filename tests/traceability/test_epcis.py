"""The EPCIS 2.0 JSON-LD export of a batch, checked against the rules of the
EPCIS 2.0 JSON schema that apply to what we produce (a trimmed, hand-written
version: the ``jsonschema`` package is not a dependency of the project)."""

import datetime
import json
import re
from decimal import Decimal

import pytest

from ocop.traceability.domain import batches as domain
from ocop.traceability.domain.epcis import EPCIS_CONTEXT, epcis_document, unit_code
from ocop.traceability.enums import BizStep
from tests.traceability.conftest import at

pytestmark = pytest.mark.django_db

# From the EPCIS 2.0 JSON schema (bizStep, disposition and error-reason enums).
CBV_BIZ_STEPS = {
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
}
CBV_DISPOSITIONS = {
    "active",
    "available",
    "completeness_verified",
    "completeness_inferred",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_instance",
    "mismatch_class",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
}
OBJECT_EVENT_PROPERTIES = {
    "type",
    "eventID",
    "eventTime",
    "eventTimeZoneOffset",
    "recordTime",
    "errorDeclaration",
    "certificationInfo",
    "epcList",
    "quantityList",
    "action",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "ilmd",
}
OFFSET = re.compile(r"^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$")
UOM = re.compile(r"^[A-Z0-9]{2,3}$")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
EXTENSION = re.compile(r"^([a-zA-Z0-9_]+):\S+$")


def is_datetime_with_offset(value: str) -> bool:
    parsed = datetime.datetime.fromisoformat(value)
    return parsed.tzinfo is not None


def check_epcis_document(doc: dict) -> None:
    """Raise AssertionError where ``doc`` breaks the EPCIS 2.0 JSON schema."""
    assert set(doc) >= {"@context", "type", "schemaVersion", "creationDate", "epcisBody"}
    assert doc["type"] == "EPCISDocument"
    assert doc["schemaVersion"] == "2.0"
    assert is_datetime_with_offset(doc["creationDate"])
    context = doc["@context"]
    assert isinstance(context, list)
    assert context[0] == EPCIS_CONTEXT
    prefixes = {k for item in context if isinstance(item, dict) for k in item}
    assert isinstance(doc["epcisBody"]["eventList"], list)
    for event in doc["epcisBody"]["eventList"]:
        for key in event:
            if key not in OBJECT_EVENT_PROPERTIES:
                match = EXTENSION.match(key)
                assert match, f"{key} is neither an EPCIS property nor a prefixed extension"
                assert match.group(1) in prefixes, f"{key}: prefix not in @context"
        assert event["type"] == "ObjectEvent"
        assert event["action"] in {"ADD", "OBSERVE", "DELETE"}
        assert is_datetime_with_offset(event["eventTime"])
        assert OFFSET.match(event["eventTimeZoneOffset"])
        assert URI.match(event["eventID"])
        assert event["bizStep"] in CBV_BIZ_STEPS
        if "disposition" in event:
            assert event["disposition"] in CBV_DISPOSITIONS
        assert event.get("epcList") or len(event["quantityList"]) >= 1
        for element in event.get("quantityList", []):
            assert URI.match(element["epcClass"])
            assert isinstance(element["quantity"], int | float)
            if "uom" in element:
                assert UOM.match(element["uom"])
        for place in ("readPoint", "bizLocation"):
            if place in event:
                assert URI.match(event[place]["id"])
        if "ilmd" in event:
            assert event["action"] == "ADD"
            assert all(EXTENSION.match(k) for k in event["ilmd"])
        if "errorDeclaration" in event:
            declaration = event["errorDeclaration"]
            assert is_datetime_with_offset(declaration["declarationTime"])
            assert declaration["reason"] in {"did_not_occur", "incorrect_data"}
            assert all(URI.match(i) for i in declaration["correctiveEventIDs"])
    json.dumps(doc)  # plain JSON types only


@pytest.fixture
def events(batch, producer_x):
    harvest = domain.record_event(
        batch=batch,
        biz_step=BizStep.HARVESTING,
        event_time=at(2024, 11, 5, 4, 30),
        place="Bến cá Làng X",
        quantity=Decimal("1200.5"),
        by=producer_x,
    )
    packing = domain.record_event(
        batch=batch,
        biz_step=BizStep.PACKING,
        event_time=at(2025, 3, 12, 9, 30),
        place="Xưởng đóng chai Làng X",
        gln="8931234567897",
        description="Chai thủy tinh 500 ml",
        by=producer_x,
    )
    shipping = domain.record_event(
        batch=batch,
        biz_step=BizStep.SHIPPING,
        event_time=at(2025, 3, 20, 7, 0),
        place="Kho Thanh Hóa",
        quantity=Decimal(600),
        by=producer_x,
    )
    return harvest, packing, shipping


def test_document_follows_the_schema(batch, events):
    doc = epcis_document(batch=batch, now=at(2025, 4, 1, 8, 0))
    check_epcis_document(doc)
    assert doc["creationDate"] == "2025-04-01T08:00:00+07:00"
    assert len(doc["epcisBody"]["eventList"]) == 3


def test_events_say_what_when_where_why(batch, events, product_x):
    harvest, packing, shipping = epcis_document(batch=batch)["epcisBody"]["eventList"]
    # When: Vietnam time and its offset.
    assert harvest["eventTime"] == "2024-11-05T04:30:00+07:00"
    assert packing["eventTime"] == "2025-03-12T09:30:00+07:00"
    assert {e["eventTimeZoneOffset"] for e in (harvest, packing, shipping)} == {"+07:00"}
    # Why: CBV steps; the lot comes into being with the harvest (ADD).
    assert (harvest["bizStep"], harvest["action"], harvest["disposition"]) == (
        "commissioning",
        "ADD",
        "active",
    )
    assert (packing["bizStep"], packing["action"]) == ("packing", "OBSERVE")
    assert (shipping["bizStep"], shipping["disposition"]) == ("shipping", "in_transit")
    assert harvest["ocop:step"] == "harvesting"
    # Where: a GLN as a GS1 Digital Link; a place in words only by name.
    assert packing["readPoint"] == {"id": "https://id.gs1.org/414/8931234567897"}
    assert packing["bizLocation"] == {"id": "https://id.gs1.org/414/8931234567897"}
    assert "readPoint" not in harvest
    assert "bizLocation" not in harvest
    assert harvest["ocop:placeName"] == "Bến cá Làng X"
    assert packing["ocop:description"] == "Chai thủy tinh 500 ml"
    # What: the lot (no GTIN: a URN with the batch's public id) and quantities.
    lot = f"urn:ocop:lot:{product_x.province.code}:{batch.public_id}"
    assert [e["quantityList"] for e in (harvest, packing, shipping)] == [
        [{"epcClass": lot, "quantity": 1200.5}],
        [{"epcClass": lot, "quantity": 1500}],  # no quantity given: the whole batch
        [{"epcClass": lot, "quantity": 600}],
    ]
    assert harvest["ocop:unit"] == "chai 500 ml"  # counted: no uom
    # Lot data on the ADD event only.
    assert harvest["ilmd"] == {
        "cbvmda:lotNumber": "NM-2025-03",
        "cbvmda:itemExpirationDate": "2027-03-09",
        "ocop:productionDate": "2025-03-10",
        "ocop:standards": "TCVN 5107:2018",
    }
    assert "ilmd" not in packing


def test_lot_urn_exposes_no_database_id(batch, events):
    doc = epcis_document(batch=batch)
    epc_class = doc["epcisBody"]["eventList"][0]["quantityList"][0]["epcClass"]
    assert re.fullmatch(
        r"urn:ocop:lot:38:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", epc_class
    )
    for event in doc["epcisBody"]["eventList"]:
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", event["eventID"])


def test_event_ids_are_stable(batch, events):
    first = [e["eventID"] for e in epcis_document(batch=batch)["epcisBody"]["eventList"]]
    second = [e["eventID"] for e in epcis_document(batch=batch)["epcisBody"]["eventList"]]
    assert first == second
    assert first == [f"urn:uuid:{e.public_id}" for e in events]


def test_gtin_gives_a_digital_link_of_the_lot(product_x, producer_x):
    product_x.gtin = "8934567890124"
    product_x.save()
    batch = domain.record_batch(
        product=product_x,
        lot_code="L/25.07",
        production_date=datetime.date(2025, 7, 1),
        quantity=Decimal(20),
        unit="kg",
        by=producer_x,
    )
    domain.record_event(
        batch=batch,
        biz_step=BizStep.COMMISSIONING,
        event_time=at(2025, 7, 1, 8, 0),
        place="Xưởng",
        by=producer_x,
    )
    doc = epcis_document(batch=batch)
    check_epcis_document(doc)
    (event,) = doc["epcisBody"]["eventList"]
    assert event["quantityList"] == [
        {
            "epcClass": "https://id.gs1.org/01/08934567890124/10/L%2F25.07",
            "quantity": 20,
            "uom": "KGM",
        }
    ]
    assert event["action"] == "ADD"
    assert "ocop:unit" not in event
    assert "cbvmda:itemExpirationDate" not in event["ilmd"]


def test_corrections_are_shared_as_error_declarations(batch, events, producer_x):
    harvest, packing, shipping = events
    fixed = domain.correct_event(
        event=harvest,
        note="Sai ngày",
        biz_step=BizStep.HARVESTING,
        event_time=at(2024, 11, 6, 4, 30),
        place="Bến cá Làng X",
        quantity=Decimal("1200.5"),
        by=producer_x,
    )
    domain.withdraw_event(event=shipping, note="Chưa giao", by=producer_x)
    doc = epcis_document(batch=batch)
    check_epcis_document(doc)
    by_id = {e["eventID"]: e for e in doc["epcisBody"]["eventList"]}
    wrong = by_id[f"urn:uuid:{harvest.public_id}"]
    assert wrong["errorDeclaration"]["reason"] == "incorrect_data"
    assert wrong["errorDeclaration"]["correctiveEventIDs"] == [f"urn:uuid:{fixed.public_id}"]
    assert wrong["action"] == "ADD"  # as it was when shared
    assert by_id[f"urn:uuid:{fixed.public_id}"]["action"] == "ADD"
    assert "errorDeclaration" not in by_id[f"urn:uuid:{fixed.public_id}"]
    withdrawn = by_id[f"urn:uuid:{shipping.public_id}"]["errorDeclaration"]
    assert withdrawn["reason"] == "did_not_occur"
    assert withdrawn["correctiveEventIDs"] == []
    assert "errorDeclaration" not in by_id[f"urn:uuid:{packing.public_id}"]


def test_only_the_first_origin_event_adds(batch, producer_x):
    for step, day in ((BizStep.COMMISSIONING, 10), (BizStep.HARVESTING, 11)):
        domain.record_event(
            batch=batch,
            biz_step=step,
            event_time=at(2025, 3, day, 6, 0),
            place="Xưởng",
            by=producer_x,
        )
    actions = [e["action"] for e in epcis_document(batch=batch)["epcisBody"]["eventList"]]
    assert actions == ["ADD", "OBSERVE"]


def test_empty_batch_is_a_valid_document(batch):
    doc = epcis_document(batch=batch)
    check_epcis_document(doc)
    assert doc["epcisBody"]["eventList"] == []


@pytest.mark.parametrize(
    ("unit", "code"),
    [
        ("kg", "KGM"),
        ("Kg", "KGM"),
        ("gam", "GRM"),
        ("tấn", "TNE"),
        ("lít", "LTR"),
        ("ml", "MLT"),
        ("chai", None),
        ("hộp 10 gói", None),
    ],
)
def test_units_of_measure(unit, code):
    assert unit_code(unit) == code
