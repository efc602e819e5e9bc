"""Product and producer pages: canonical URLs, live status, JSON-LD, Open
Graph, photos, and the consent that governs the producer's contact details."""

import io
import json
import re

import pytest
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.portal.models import PublicProfile
from ocop.portal.seo import producer_path, product_path
from tests.e2e.helpers import vi

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.DOTALL)


def test_product_urls_are_canonical_with_a_readable_slug(client, honey):
    path = product_path(honey)
    assert path == f"/san-pham/mat-ong-hoa-nhan-lang-y-{honey.pk}/"
    for other in (f"/san-pham/{honey.pk}/", f"/san-pham/mat-ong-{honey.pk}/"):
        response = client.get(other)
        assert (response.status_code, response["Location"]) == (301, path)
    assert client.get(path).status_code == 200


def test_product_page_shows_the_product_and_its_live_status(client, honey, settings):
    html = client.get(product_path(honey)).content.decode()
    assert "Mật ong hoa nhãn Làng Y" in html
    assert "Mật ong nguyên chất &lt;b&gt;hoa nhãn&lt;/b&gt;." in html  # escaped, never markup
    assert "Ong nuôi dưới vườn nhãn ven sông Mã." in html
    assert "Đàn ong của 25 hộ trong xã." in html
    assert 'data-status="valid"' in html
    assert vi("valid") in html
    assert "Công ty TNHH Mật ong Làng Y" in html
    assert honey.commune.full_name in html
    assert honey.province.full_name in html
    assert producer_path(honey.subject) in html
    assert 'src="data:image/svg+xml' in html  # the page's QR code
    assert f'<link rel="canonical" href="{settings.SITE_URL}{product_path(honey)}">' in html
    assert '<meta property="og:type" content="product">' in html
    assert '<meta property="og:title" content="Mật ong hoa nhãn Làng Y">' in html


def test_json_ld_is_a_schema_org_product(client, honey, settings):
    html = client.get(product_path(honey)).content.decode()
    (block,) = JSON_LD.findall(html)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Mật ong hoa nhãn Làng Y"
    assert data["url"] == f"{settings.SITE_URL}{product_path(honey)}"
    assert data["gtin"] == "8934567890128"
    assert data["brand"] == {"@type": "Brand", "name": "Công ty TNHH Mật ong Làng Y"}
    assert data["manufacturer"]["address"]["addressRegion"] == honey.province.full_name
    assert data["award"] == "OCOP 4★"
    # The description's markup is data: "<" never appears raw inside the block.
    assert "<b>" not in block
    assert data["description"].startswith("Mật ong nguyên chất <b>")


def test_other_products_of_the_producer_and_photos(client, honey, subject_y, province_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from ocop.products.domain.products import add_product_image
    from tests.factories.registry import ProductFactory

    from .conftest import certify

    sibling = ProductFactory(subject=subject_y, name="Mật ong rừng Làng Y")
    certify(sibling, star=3)
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 150, 0)).save(buffer, format="PNG")
    image = add_product_image(
        by=province_officer,
        product=honey,
        upload=SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png"),
    )
    html = client.get(product_path(honey)).content.decode()
    assert "Mật ong rừng Làng Y" in html
    assert reverse("portal:image_thumb", args=[image.pk]) in html
    data = json.loads(JSON_LD.findall(html)[0])
    assert data["image"][0].endswith(reverse("portal:image", args=[image.pk]))
    response = client.get(reverse("portal:image_thumb", args=[image.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    response.close()


def test_products_never_certified_have_no_public_page_nor_photos(client, product_x):
    assert client.get(reverse("portal:product_by_id", args=[product_x.pk])).status_code == 404
    assert client.get(f"/san-pham/x-{product_x.pk}/").status_code == 404
    assert client.get(f"/chu-the/x-{product_x.subject_id}/").status_code == 404


# Producer pages and consent -----------------------------------------------------------


@pytest.fixture
def contact(subject_y):
    subject_y.representative = "Trần Thị Lan"
    subject_y.phone = "0912345678"
    subject_y.email = "lan@matonglangy.vn"
    subject_y.address = "Thôn Đông, số 12"
    subject_y.save()
    return subject_y


def test_nothing_personal_is_published_without_consent(client, honey, contact):
    html = client.get(producer_path(contact)).content.decode()
    assert "Công ty TNHH Mật ong Làng Y" in html
    assert "Mật ong hoa nhãn Làng Y" in html
    for private in ("Trần Thị Lan", "0912345678", "lan@matonglangy.vn", "Thôn Đông"):
        assert private not in html
    assert "lan@matonglangy.vn" not in client.get(product_path(honey)).content.decode()


@pytest.fixture
def producer_y(subject_y):
    from ocop.accounts.enums import Role
    from tests.factories.accounts import user_with_role

    return user_with_role(Role.PRODUCER, subject=subject_y, username="sx.y")


def test_the_producer_publishes_what_it_consents_to(client, honey, contact, producer_y):
    client.force_login(producer_y)
    url = reverse("portal:profile_edit", args=[contact.pk])
    assert client.get(url).status_code == 200
    # Ticking a detail without the consent box is refused, nothing saved.
    response = client.post(url, {"story": "Câu chuyện", "show_phone": "on"})
    assert response.status_code == 200
    assert not PublicProfile.objects.exists()
    response = client.post(
        url, {"story": "Chúng tôi nuôi ong từ 1990.", "show_phone": "on", "consent": "on"}
    )
    assert response.status_code == 302
    profile = PublicProfile.objects.get(subject=contact)
    assert (profile.consented_by, profile.published_fields()) == (producer_y, ["phone"])
    assert profile.consented_at is not None
    entry = ActivityLog.objects.get(action="ocop.public_profile.saved")
    assert entry.data["after"]["show_phone"] is True
    assert entry.data["consent"] is True
    client.logout()
    html = client.get(producer_path(contact)).content.decode()
    assert "0912345678" in html
    assert "Chúng tôi nuôi ong từ 1990." in html
    for private in ("Trần Thị Lan", "lan@matonglangy.vn", "Thôn Đông"):
        assert private not in html
    # Withdrawing: untick everything; the page shows it on the next request.
    client.force_login(producer_y)
    client.post(url, {"story": "Chúng tôi nuôi ong từ 1990."})
    profile.refresh_from_db()
    assert (profile.consented_by, profile.consented_at, profile.published_fields()) == (
        None,
        None,
        [],
    )
    client.logout()
    assert "0912345678" not in client.get(producer_path(contact)).content.decode()


def test_only_people_acting_for_the_subject_edit_its_public_page(client, contact, producer_x):
    client.force_login(producer_x)
    assert client.get(reverse("portal:profile_edit", args=[contact.pk])).status_code == 404
