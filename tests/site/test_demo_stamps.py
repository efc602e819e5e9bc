"""The demo's certificates, production batch and stamps (``load_demo``): made
through the certification, traceability and stamps domains, idempotent."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.certification.domain.rules import rule_on
from ocop.certification.domain.status import live_status
from ocop.certification.models import (
    Certificate,
    CertificationRule,
    Decision,
    DecisionItem,
    NumberCounter,
)
from ocop.core.models import ActivityLog, Notification
from ocop.core.workdays import add_months
from ocop.products.models import Product
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.models import SerialCounter, Stamp, StampBatch
from ocop.traceability.models import ProductionBatch, TraceEvent

pytestmark = pytest.mark.django_db

FISH_SAUCE = "Nước mắm cá cơm Đồng Tâm"
HONEY = "Mật ong hoa nhãn Đồng Tâm"


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot():
    models = (
        Decision,
        DecisionItem,
        Certificate,
        NumberCounter,
        ProductionBatch,
        TraceEvent,
        StampBatch,
        Stamp,
        SerialCounter,
        Product,
        ActivityLog,
        Notification,
    )
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def test_the_four_certified_products_have_certificates_from_issued_decisions():
    load_demo()
    today = timezone.localdate()
    rows = {
        c.product.name: c
        for c in Certificate.objects.select_related("product", "decision__issued_by")
    }
    assert sorted(rows) == [
        HONEY,
        "Mực khô Hậu Lộc",
        "Nem chua Thanh Hóa Cô Hoa",
        FISH_SAUCE,
    ]
    stars = {name: c.star for name, c in rows.items()}
    assert stars == {HONEY: 4, "Mực khô Hậu Lộc": 4, "Nem chua Thanh Hóa Cô Hoa": 3, FISH_SAUCE: 3}
    for certificate in rows.values():
        decision = certificate.decision
        assert (decision.state, decision.issued_by.username) == ("issued", "tinh.canbo")
        assert certificate.decision_number == decision.number
        assert certificate.number.endswith(f"/{decision.date.year}/OCOP-38")
        product = certificate.product
        assert (product.status, product.star, product.certified_until) == (
            "certified",
            certificate.star,
            certificate.valid_until,
        )

    # Two products on 1250/QĐ-UBND, two years ago: valid.
    recent = rows[FISH_SAUCE].decision
    assert (recent.number, recent.date) == ("1250/QĐ-UBND", add_months(today, -24))
    assert rows["Mực khô Hậu Lộc"].decision == recent
    for name in (FISH_SAUCE, "Mực khô Hậu Lộc"):
        assert live_status(rows[name], today=today) == "valid"

    # The older decision's certificate is inside the "expires soon" window of the rules' data.
    nem_chua = rows["Nem chua Thanh Hóa Cô Hoa"]
    assert nem_chua.decision.number == "876/QĐ-UBND"
    window = rule_on(nem_chua.decision_date).expiring_days
    assert 1 <= (nem_chua.valid_until - today).days <= window
    assert live_status(nem_chua, today=today) == "expiring"

    # The newest recognition (the public home page's first), last month: valid.
    honey = rows[HONEY]
    assert (honey.decision.number, honey.decision_date) == (
        "1377/QĐ-UBND",
        today - timedelta(days=30),
    )
    assert live_status(honey, today=today) == "valid"


def test_the_fish_sauce_has_a_traced_batch_with_40_stamps_and_a_waiting_request():
    out = load_demo()
    product = Product.objects.get(name=FISH_SAUCE)
    lot = ProductionBatch.objects.get(product=product)
    steps = list(lot.events.order_by("event_time").values_list("biz_step", flat=True))
    assert steps == ["harvesting", "transforming", "packing", "shipping"]
    assert lot.created_by.username == "sx.dongtam"
    assert all(e.event_time <= timezone.now() for e in lot.events.all())
    assert lot.production_date < timezone.localdate()
    approved, waiting = StampBatch.objects.filter(product=product).order_by("pk")
    assert (approved.state, approved.quantity, approved.production_batch) == ("approved", 40, lot)
    assert (approved.requested_by.username, approved.decided_by.username) == (
        "sx.dongtam",
        "tinh.canbo",
    )
    assert approved.certificate == Certificate.objects.get(product=product)
    assert approved.stamps.count() == 40
    assert (waiting.state, waiting.production_batch, waiting.stamps.count()) == (
        "requested",
        None,
        0,
    )
    first = approved.stamps.order_by("serial").first()
    url = stamp_url(token=first.token, gtin=product.gtin)
    assert f"Demo stamp {first.serial} ({FISH_SAUCE}): {url}\n" in out
    assert "Demo data: 4 subjects, 6 products, 13 accounts in Tỉnh Thanh Hóa" in out


def test_the_printed_stamp_url_opens_a_valid_page_with_the_batch(client, settings):
    out = load_demo()
    line = next(line for line in out.splitlines() if line.startswith("Demo stamp "))
    url = line.split(": ", 1)[1]
    assert url.startswith(settings.SITE_URL + "/s/")
    response = client.get(url.removeprefix(settings.SITE_URL))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="valid"' in page
    assert FISH_SAUCE in page
    assert "DT-NM-01" in page


def test_loading_the_demo_twice_changes_nothing_and_prints_the_same():
    first_out = load_demo()
    first = snapshot()
    assert load_demo() == first_out
    assert snapshot() == first
    assert (Decision.objects.count(), Certificate.objects.count(), Stamp.objects.count()) == (
        3,
        4,
        40,
    )


def test_a_later_run_keeps_what_changed_since(settings):
    load_demo()
    stamp = Stamp.objects.order_by("serial").first()
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=3)
    Certificate.objects.update(valid_until=timezone.localdate() - timedelta(days=1))
    first = snapshot()
    load_demo()
    assert snapshot() == first


def test_without_certification_rules_the_demo_skips_certificates_and_stamps():
    CertificationRule.objects.all().delete()
    out = load_demo()
    assert "No demo certificates or stamps: run `manage.py load_certification_rules`" in out
    assert (Certificate.objects.count(), StampBatch.objects.count()) == (0, 0)
    assert Product.objects.filter(name=FISH_SAUCE, status="certified").exists()
