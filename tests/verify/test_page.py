"""The public verification page: outcomes with their HTTP status and text,
live status, GS1 Digital Link resolution, garbage paths, language, caching
and the number of queries per page view."""

from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ocop.certification.enums import CertificateStatus
from ocop.certification.models import Revocation, RevocationGround
from ocop.products.models import ProductImage
from ocop.stamps.domain.verify import parse_code, verify
from ocop.stamps.enums import StampState, VerifyOutcome
from ocop.stamps.models import Scan
from tests.factories.accounts import UserFactory

from .conftest import make_batch, make_certificate, make_stamp

pytestmark = pytest.mark.django_db


def outcome(response) -> str:
    body = response.content.decode()
    assert "\ue000" not in body  # no placeholder of the page memo left
    marker = 'data-outcome="'
    start = body.index(marker) + len(marker)
    return body[start : body.index('"', start)]


def short(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def test_valid_stamp_shows_product_certificate_and_stamp(
    client, stamp, product_x, certificate, english
):
    response = client.get(f"/s/{stamp.token}")
    assert (response.status_code, outcome(response)) == (200, "valid")
    body = response.content.decode()
    assert "Genuine OCOP product: the certificate is valid" in body
    for text in (
        product_x.name,
        product_x.subject.name,
        product_x.commune.full_name,
        product_x.province.full_name,
        certificate.number,
        certificate.decision_number,
        short(certificate.decision_date),
        short(certificate.valid_until),
        stamp.serial,
        "★★★★",
        "1 scan, including this one",
    ):
        assert text in body, text
    assert "no-store" in response["Cache-Control"]


def test_page_is_vietnamese_by_default_and_has_no_session(client, stamp):
    response = client.get(f"/s/{stamp.token}")
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "sessionid" not in response.cookies


def test_lang_switch_shows_english_and_remembers_it_without_counting_a_scan(
    client, stamp, settings
):
    response = client.get(f"/s/{stamp.token}?lang=en")
    assert '<html lang="en">' in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert Scan.objects.filter(stamp=stamp).count() == 0
    again = client.get(f"/s/{stamp.token}")
    assert '<html lang="en">' in again.content.decode()
    back = client.get(f"/s/{stamp.token}?lang=vi")
    assert '<html lang="vi">' in back.content.decode()


def test_expiring_certificate(client, product_x, producer_x, english):
    until = timezone.localdate() + timedelta(days=10)
    make_certificate(product_x, until=until)
    stamp = make_stamp(make_batch(product_x, by=producer_x))
    response = client.get(f"/s/{stamp.token}")
    assert (response.status_code, outcome(response)) == (200, "expiring")
    assert "the certificate expires soon" in response.content.decode()
    assert f"Valid until {short(until)}." in response.content.decode()


def test_certificate_past_its_date_shows_expired_before_the_periodic_job(
    client, product_x, producer_x, english
):
    until = timezone.localdate() - timedelta(days=1)
    certificate = make_certificate(product_x, until=until)
    assert certificate.status == CertificateStatus.VALID  # the job has not run
    stamp = make_stamp(make_batch(product_x, by=producer_x))
    response = client.get(f"/s/{stamp.token}")
    assert (response.status_code, outcome(response)) == (200, "expired")
    assert f"The certificate expired on {short(until)}." in response.content.decode()


def test_moving_the_day_past_expiry_turns_a_valid_code_expired(stamp, certificate):
    path = f"/s/{stamp.token}"
    on = certificate.valid_until
    assert verify(path, today=on - timedelta(days=31)).outcome == VerifyOutcome.VALID
    assert verify(path, today=on - timedelta(days=5)).outcome == VerifyOutcome.EXPIRING
    assert verify(path, today=on).outcome == VerifyOutcome.EXPIRING
    assert verify(path, today=on + timedelta(days=1)).outcome == VerifyOutcome.EXPIRED


def test_revoked_certificate_shows_revoked_and_the_date(client, stamp, certificate, english):
    officer = UserFactory()
    Revocation.objects.create(
        certificate=certificate,
        ground=RevocationGround.objects.first(),
        decision_number="55/QĐ-UBND",
        decision_date=date(2026, 3, 2),
        authority="UBND tỉnh Thanh Hóa",
        by=officer,
    )
    certificate.status = CertificateStatus.REVOKED
    certificate.save()
    response = client.get(f"/s/{stamp.token}")
    assert (response.status_code, outcome(response)) == (200, "revoked")
    body = response.content.decode()
    assert "The OCOP certificate was revoked" in body
    assert "Revoked on 02/03/2026." in body
    assert "Revocation decision 55/QĐ-UBND." in body


def test_stamp_shows_the_newest_certificate_that_was_not_superseded(
    client, product_x, producer_x, english
):
    today = timezone.localdate()
    newer = make_certificate(product_x, star=4, issued=today - timedelta(days=30))
    make_certificate(
        product_x,
        star=3,
        issued=today - timedelta(days=400),
        status=CertificateStatus.SUPERSEDED,
        superseded_by=newer,
    )
    # Even a later-dated superseded record is not shown.
    make_certificate(
        product_x,
        star=5,
        issued=today - timedelta(days=1),
        status=CertificateStatus.SUPERSEDED,
        superseded_by=newer,
    )
    stamp = make_stamp(make_batch(product_x, by=producer_x))
    response = client.get(f"/s/{stamp.token}")
    assert outcome(response) == "valid"
    assert newer.number in response.content.decode()
    assert "★★★★<" in response.content.decode()


def test_certificate_page_and_superseded_certificate_links_to_the_newer(client, product_x, english):
    today = timezone.localdate()
    newer = make_certificate(product_x, star=5, issued=today - timedelta(days=10))
    older = make_certificate(
        product_x,
        star=4,
        issued=today - timedelta(days=300),
        status=CertificateStatus.SUPERSEDED,
        superseded_by=newer,
    )
    response = client.get(f"/c/{older.token}")
    assert (response.status_code, outcome(response)) == (200, "superseded")
    assert f'href="/c/{newer.token}"' in response.content.decode()
    current = client.get(f"/c/{newer.token}")
    assert (current.status_code, outcome(current)) == (200, "valid")
    assert product_x.name in current.content.decode()
    assert "including this one" not in current.content.decode()  # no stamp, no scan


def test_voided_stamp_is_410_with_the_warning(client, product_x, producer_x, certificate, english):
    stamp = make_stamp(make_batch(product_x, by=producer_x), state=StampState.VOIDED)
    response = client.get(f"/s/{stamp.token}")
    assert (response.status_code, outcome(response)) == (410, "voided")
    assert "Warning: this stamp was voided" in response.content.decode()


def test_unknown_code_is_404_counterfeit_warning_with_the_report_form(client, stamp, english):
    token = ("Z" if stamp.token[0] != "Z" else "Y") + stamp.token[1:]
    response = client.get(f"/s/{token}")
    assert (response.status_code, outcome(response)) == (404, "unknown")
    body = response.content.decode()
    assert "the product may be counterfeit" in body
    assert f'href="/report-fake/?code=s%2F{token}"' in body


@pytest.mark.parametrize(
    "path",
    [
        "/s/short",
        "/s/AAAAAAAAAAAAAAAAAAAAA",  # 21 characters
        "/s/AAAAAAAAAAAAAAAAAAA-",  # a character outside the alphabet
        "/s/ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ",  # 20 non-ASCII letters
        "/s/١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠",  # 20 Arabic-Indic digits
        "/c/x",
        "/c/" + "A" * 40,
        "/01/abc/21/AAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_codes_are_answered_without_the_database(client, path, django_assert_num_queries):
    """A syntax error: 400 with the counterfeit warning, no query."""
    with django_assert_num_queries(0):
        response = client.get(path)
    assert (response.status_code, outcome(response)) == (400, "unknown")


def test_a_well_formed_link_whose_serial_we_never_issue_is_unknown(client):
    response = client.get("/01/8930000000019/21/short")  # valid GS1 syntax, not our token
    assert (response.status_code, outcome(response)) == (404, "unknown")


@pytest.mark.parametrize(
    "path",
    [
        "/s/",
        "/s/%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00",
        "/s/' OR '1'='1' --",
        "/s/1;DROP TABLE stamps_stamp;--",
        "/s/%F0%9F%98%80" * 20,
        "/s/%ZZ",
        "/s/%C3%28",  # invalid UTF-8
        "/s/" + "A" * 5000,
        "/s/AAAAAAAAAAAAAAAAAAAA/extra/parts",
        "/s//AAAAAAAAAAAAAAAAAAAA",
        "/c/%27%3B--",
        "/c/" + "𝔘" * 22,
        "/01/",
        "/01/" + "9" * 14,
        "/01/89300000000190/21/",
        "/01/89300000000190/10/LOT/10/LOT/21/AAAAAAAAAAAAAAAAAAAA",
        "/01/89300000000190/21/AAAAAAAAAAAAAAAAAAAA/10/LOT",
        "/01/89300000000190/99/x/21/AAAAAAAAAAAAAAAAAAAA",
        "/01/%00/21/%00",
        "/01/" + "1/" * 300,
    ],
)
def test_garbage_never_gives_500(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)  # a syntax error, or a code we never issued
    assert outcome(response) == "unknown"


def test_garbage_in_the_report_form_code_never_gives_500(client):
    response = client.get("/report-fake/", {"code": "\x00' OR 1=1 --" + "é" * 500})
    assert response.status_code == 200


def test_parse_code_forms():
    token = "A" * 20
    assert parse_code(f"s/{token}").token == token
    assert parse_code(f"/01/8930000000019/21/{token}").gtin == "08930000000019"
    assert parse_code(f"01/08930000000019/10/L-1/21/{token}").kind == "stamp"
    assert parse_code(f"01/08930000000019/22/X/10/L/21/{token}").kind == "stamp"
    assert parse_code(f"01/08930000000019/10/{'L' * 21}/21/{token}") is None
    assert parse_code(f"01/08930000019/21/{token}") is None  # 11 digits: no GTIN
    assert parse_code(f"c/{'a-_' * 7}x").kind == "certificate"


@pytest.fixture
def gtin_product(product_x):
    product_x.gtin = "8930000000019"  # GTIN-13
    product_x.save()
    return product_x


@pytest.mark.parametrize(
    "form",
    [
        "/01/08930000000019/21/{token}",
        "/01/8930000000019/21/{token}",
        "/01/08930000000019/21/{token}?17=261231",
    ],
)
def test_gs1_digital_link_resolves_with_the_products_gtin(
    client, gtin_product, producer_x, certificate, form
):
    stamp = make_stamp(make_batch(gtin_product, by=producer_x))
    response = client.get(form.format(token=stamp.token))
    assert (response.status_code, outcome(response)) == (200, "valid")
    assert gtin_product.name in response.content.decode()
    stamp.refresh_from_db()
    assert stamp.scan_count == 1


@pytest.fixture
def lot_stamp(gtin_product, producer_x, certificate):
    from tests.factories.traceability import ProductionBatchFactory

    lot = ProductionBatchFactory(product=gtin_product, lot_code="LO-2026-01")
    return make_stamp(make_batch(gtin_product, by=producer_x, production_batch=lot))


def test_the_stamps_own_lot_is_genuine(client, gtin_product, lot_stamp):
    response = client.get(f"/01/08930000000019/10/LO-2026-01/21/{lot_stamp.token}")
    assert (response.status_code, outcome(response)) == (200, "valid")
    # The short form and the form without the lot still designate the stamp.
    response = client.get(f"/01/08930000000019/21/{lot_stamp.token}")
    assert (response.status_code, outcome(response)) == (200, "valid")


@pytest.mark.parametrize(
    "form",
    [
        "/01/08930000000019/10/LO-2026-99/21/{token}",  # another lot
        "/01/08930000000019/22/A1/10/LO-2026-01/21/{token}",  # a variant we never print
    ],
)
def test_a_wrong_lot_or_an_unexpected_qualifier_is_not_genuine(
    client, gtin_product, lot_stamp, form
):
    response = client.get(form.format(token=lot_stamp.token))
    assert (response.status_code, outcome(response)) == (404, "unknown")
    assert gtin_product.name not in response.content.decode()
    lot_stamp.refresh_from_db()
    assert lot_stamp.scan_count == 0


def test_a_lot_on_a_stamp_without_production_batch_is_not_genuine(
    client, gtin_product, producer_x, certificate
):
    stamp = make_stamp(make_batch(gtin_product, by=producer_x))
    response = client.get(f"/01/08930000000019/10/LO-2026-01/21/{stamp.token}")
    assert (response.status_code, outcome(response)) == (404, "unknown")


def test_gs1_link_with_another_gtin_is_an_unknown_code(
    client, gtin_product, producer_x, certificate
):
    stamp = make_stamp(make_batch(gtin_product, by=producer_x))
    response = client.get(f"/01/08930000000026/21/{stamp.token}")
    assert (response.status_code, outcome(response)) == (404, "unknown")
    assert gtin_product.name not in response.content.decode()
    stamp.refresh_from_db()
    assert stamp.scan_count == 0


def test_printed_stamps_keep_verifying_after_the_products_gtin_is_corrected(
    client, gtin_product, producer_x, certificate
):
    stamp = make_stamp(make_batch(gtin_product, by=producer_x))
    printed = f"/01/08930000000019/21/{stamp.token}"
    gtin_product.gtin = "8930000000026"
    gtin_product.save()
    for path in (printed, f"/01/08930000000026/21/{stamp.token}", f"/s/{stamp.token}"):
        response = client.get(path)
        assert (response.status_code, outcome(response)) == (200, "valid"), path
    response = client.get(f"/01/08930000000033/21/{stamp.token}")
    assert (response.status_code, outcome(response)) == (404, "unknown")


def test_gs1_link_for_a_product_without_gtin_is_an_unknown_code(client, stamp):
    response = client.get(f"/01/08930000000019/21/{stamp.token}")
    assert (response.status_code, outcome(response)) == (404, "unknown")


def test_product_image_is_shown_and_served_publicly(client, stamp, product_x, certificate):
    from django.core.files.base import ContentFile

    image = ProductImage(product=product_x, caption="Chai 500 ml")
    image.image.save("a.jpg", ContentFile(b"\xff\xd8\xff full"), save=False)
    image.thumbnail.save("t.jpg", ContentFile(b"\xff\xd8\xff thumb"), save=False)
    image.save()
    response = client.get(f"/s/{stamp.token}")
    url = f"/c/{certificate.token}/image"
    assert f'src="{url}"' in response.content.decode()
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"\xff\xd8\xff thumb"
    assert "public" in served["Cache-Control"]
    assert client.get(f"/c/{'B' * 22}/image").status_code == 404


def test_production_batch_data_is_shown_when_recorded(
    client, product_x, producer_x, certificate, english
):
    from tests.factories.traceability import ProductionBatchFactory, TraceEventFactory

    lot = ProductionBatchFactory(product=product_x, lot_code="LO-2026-07")
    TraceEventFactory(batch=lot, place="Xưởng đóng chai, thôn Đông")
    stamp = make_stamp(make_batch(product_x, by=producer_x, production_batch=lot))
    response = client.get(f"/s/{stamp.token}")
    body = response.content.decode()
    assert "LO-2026-07" in body
    assert "Xưởng đóng chai, thôn Đông" in body
    assert "TCVN 5107:2018; HACCP" in body


def test_stamp_page_costs_one_statement_with_a_warm_read_model(
    client, product_x, producer_x, certificate, django_assert_num_queries, settings
):
    """With the read model warm and the scan log buffered (as served), a scan
    costs one statement: the stamp's row with the read model's version; a
    recorded production batch (its row and events) is in the read model too."""
    from tests.factories.traceability import ProductionBatchFactory, TraceEventFactory

    settings.OCOP_SCAN_FLUSH_SECONDS = 3600  # buffered: written after the test (discarded)
    plain = make_stamp(make_batch(product_x, by=producer_x))
    lot = ProductionBatchFactory(product=product_x)
    TraceEventFactory.create_batch(3, batch=lot)
    traced = make_stamp(make_batch(product_x, by=producer_x, production_batch=lot))
    for stamp in (plain, traced):
        client.get(f"/s/{stamp.token}")  # warms the read model and the rules memo
        with django_assert_num_queries(1) as captured:
            response = client.get(f"/s/{stamp.token}")
        assert response.status_code == 200
        assert captured.captured_queries[0]["sql"].startswith("SELECT")
        assert "2 lượt quét" in response.content.decode()


def test_certificate_page_costs_three_queries(client, certificate, django_assert_num_queries):
    client.get(f"/c/{certificate.token}")
    with django_assert_num_queries(3):  # the certificate; the product; its thumbnail
        assert client.get(f"/c/{certificate.token}").status_code == 200


def test_a_memorised_page_carries_this_requests_values(client, product_x, producer_x, certificate):
    """The second stamp of a product is served from the rendered-page memo:
    its own serial, scans and code are in it. Its one script is the site's own
    file, allowed by ``script-src 'self'``: no CSP nonce is made for it, and
    the policy names none (nor ``'unsafe-inline'``)."""
    from django.test import Client

    first = make_stamp(make_batch(product_x, by=producer_x))
    second = make_stamp(make_batch(product_x, by=producer_x))
    client.get(f"/s/{first.token}")
    client.get(f"/s/{first.token}")
    browser = Client(enforce_csrf_checks=True)
    response = browser.get(f"/s/{second.token}")
    body = response.content.decode()
    assert outcome(response) == "valid"
    assert second.serial in body
    assert first.serial not in body
    assert f'href="/report-fake/?code=s%2F{second.token}"' in body
    assert f'data-url="/s/{second.token}/where"' in body
    assert '<script src="/static/ocop/verify.js" defer></script>' in body
    assert "nonce" not in body
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "nonce" not in policy
    assert "unsafe-inline" not in policy
    assert "data-csrf" not in body  # the script asks for the token when the person agrees
    token = browser.get(f"/s/{second.token}/where").json()["csrf"]
    located = browser.post(
        f"/s/{second.token}/where", {"latitude": "21", "longitude": "105"}, HTTP_X_CSRFTOKEN=token
    )
    assert located.status_code == 200
    again = client.get(f"/s/{first.token}").content.decode()
    assert first.serial in again
    assert second.serial not in again


def test_a_change_of_the_certificate_is_seen_at_once(client, stamp, certificate, english):
    assert outcome(client.get(f"/s/{stamp.token}")) == "valid"
    certificate.valid_until = timezone.localdate() + timedelta(days=3)
    certificate.save()
    assert outcome(client.get(f"/s/{stamp.token}")) == "expiring"
    certificate.number = "999/GCN-OCOP"
    certificate.save()
    assert "999/GCN-OCOP" in client.get(f"/s/{stamp.token}").content.decode()
    certificate.status = CertificateStatus.REVOKED
    certificate.save()
    assert outcome(client.get(f"/s/{stamp.token}")) == "revoked"


def test_a_change_of_the_product_is_seen_at_once(client, stamp, product_x):
    client.get(f"/s/{stamp.token}")
    product_x.name = "Nước mắm cốt nhĩ Làng X"
    product_x.save()
    assert "Nước mắm cốt nhĩ Làng X" in client.get(f"/s/{stamp.token}").content.decode()


def test_unknown_codes_share_a_page_but_each_carries_its_own_code(client):
    one = client.get("/s/" + "Q" * 20).content.decode()
    two = client.get("/s/" + "R" * 20).content.decode()
    assert "code=s%2FQQQQQQQQQQQQQQQQQQQQ" in one
    assert "code=s%2FRRRRRRRRRRRRRRRRRRRR" in two
    assert "QQQQ" not in two


def test_the_scanned_code_is_escaped(client):
    body = client.get('/s/"><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)" not in body
    assert "code=s%2F%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E" in body


@given(
    prefix=st.sampled_from(["/s/", "/c/", "/01/", "/01/08930000000019/21/", "/s/x/"]),
    junk=st.text(min_size=0, max_size=400),
)
@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_random_paths_get_the_warning_never_a_500(client, prefix, junk):
    # One client opens 150 pages here: each example starts under the
    # per-minute limit (tested in tests/security/test_hardening.py).
    caches["ratelimit"].clear()
    response = client.get(prefix + quote(junk, safe="/"))
    assert response.status_code in (400, 404, 405)
    if response["Content-Type"] == "application/json":  # /s/<junk>/where asks for a token
        assert response.json() == {"ok": False}
    elif response.status_code in (400, 404):
        assert outcome(response) == "unknown"


def test_a_certificate_recorded_without_its_decision_date_is_not_shown_as_valid(
    client, product_x, producer_x
):
    """An imported certificate with a star but no decision date has no end
    date: "validity not determined", never "valid forever"."""
    from ocop.certification.domain.certificates import in_force_q
    from ocop.certification.domain.queries import live_status_q
    from ocop.certification.domain.status import is_in_force, live_status
    from ocop.certification.enums import LiveStatus
    from ocop.certification.models import Certificate

    certificate = make_certificate(product_x)
    Certificate.objects.filter(pk=certificate.pk).update(decision_date=None, valid_until=None)
    certificate.refresh_from_db()
    today = timezone.localdate()
    status = live_status(certificate, today=today)
    assert status == LiveStatus.UNDETERMINED
    assert not is_in_force(status)
    in_force = Certificate.objects.filter(in_force_q(today=today))
    assert certificate not in in_force
    valid = Certificate.objects.filter(live_status_q(LiveStatus.VALID, today=today))
    undetermined = Certificate.objects.filter(live_status_q(LiveStatus.UNDETERMINED, today=today))
    assert (certificate in valid, certificate in undetermined) == (False, True)

    stamp = make_stamp(make_batch(product_x, by=producer_x))
    response = client.get(f"/s/{stamp.token}")
    assert (response.status_code, outcome(response)) == (200, "undetermined")
    assert "chưa xác định được thời hạn" in response.content.decode()
