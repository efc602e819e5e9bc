"""Kiểm tra tem: a serial typed by hand gets the verdict of the stamp's QR
page, under the same per-client limit, without giving away the stamp's token."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.stamps.domain.links import new_stamp_token
from ocop.stamps.domain.serials import format_serial
from ocop.stamps.enums import RequestState, StampState
from ocop.stamps.models import Stamp, StampBatch
from tests.e2e.helpers import vi

pytestmark = pytest.mark.django_db


@pytest.fixture
def stamp(honey, producer_x):
    batch = StampBatch.objects.create(
        product=honey,
        quantity=1,
        requested_by=producer_x,
        decided_by=producer_x,
        decided_at=timezone.now(),
        state=RequestState.APPROVED,
        series="38",
    )
    return Stamp.objects.create(
        batch=batch,
        serial=format_serial("38", 1234),
        token=new_stamp_token(),
        state=StampState.ACTIVE,
    )


def check(client, serial):
    return client.get(reverse("verify:serial"), {"serial": serial})


def test_a_typed_serial_gets_the_stamps_verdict(client, stamp):
    typed = stamp.serial.replace("-", " ").lower()
    response = check(client, typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mật ong hoa nhãn Làng Y" in html
    assert stamp.serial in html
    assert stamp.token not in html  # the QR's token is never given away
    qr_page = client.get(reverse("verify:stamp", args=[stamp.token])).content.decode()
    verdict = vi("Genuine OCOP product: the certificate is valid")
    assert verdict in html
    assert verdict in qr_page


def test_unknown_and_mistyped_serials(client, stamp):
    unknown = check(client, format_serial("38", 999))
    assert unknown.status_code == 404
    assert vi("Warning: unknown code — the product may be counterfeit") in unknown.content.decode()
    mistyped = stamp.serial[:-1] + ("A" if stamp.serial[-1] != "A" else "C")
    response = check(client, mistyped)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_serial_check_shares_the_verification_rate_limit(client, stamp, settings):
    settings.OCOP_VERIFY_RATE_LIMIT = 3
    assert check(client, stamp.serial).status_code == 200
    assert client.get(reverse("verify:stamp", args=[stamp.token])).status_code == 200
    assert check(client, stamp.serial).status_code == 200
    refused = check(client, stamp.serial)
    assert refused.status_code == 429
    assert client.get(reverse("verify:stamp", args=[stamp.token])).status_code == 429


def test_a_complaint_from_the_serial_page_finds_the_stamp(stamp):
    from ocop.stamps.domain.verify import lookup

    assert lookup(stamp.serial) == (stamp, stamp.batch.product)
    assert lookup("38-00000000-A") == (None, None)
