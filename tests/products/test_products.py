import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.products.domain.products import add_product_image, create_product
from ocop.products.models import ProductCategory, ProductImage
from ocop.products.validators import gtin_check_digit, validate_gtin

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("gtin", ["8934563138165", "96385074", "00012345600012", "036000291452"])
def test_valid_gtins_pass(gtin):
    validate_gtin(gtin)


@pytest.mark.parametrize(
    ("gtin", "code"),
    [("8934563138166", "gtin_check"), ("893456313816", "gtin_check"), ("89345X", "gtin_format")],
)
def test_invalid_gtins_are_refused(gtin, code):
    with pytest.raises(ValidationError) as error:
        validate_gtin(gtin)
    assert error.value.code == code


def test_check_digit_of_a_known_ean13():
    assert gtin_check_digit("893456313816") == 5


def test_product_classification_has_26_sets_under_148():
    sets = ProductCategory.objects.filter(level="set", legal_basis="148/QĐ-TTg")
    assert sets.count() == 26
    assert sets.get(code="I.4.a").name == "Tương, nước mắm, gia vị dạng lỏng khác"
    assert ProductCategory.objects.filter(level="subgroup").count() == 17


def _category():
    return ProductCategory.objects.get(code="I.4.a")


def test_producer_registers_a_product_for_own_subject(producer_x, subject_x):
    product = create_product(
        by=producer_x,
        subject=subject_x,
        data={"name": "Nước mắm nhĩ", "category": _category(), "gtin": "893 4563 138165"},
    )
    assert product.commune == subject_x.commune
    assert product.gtin == "8934563138165"
    assert product.group_code == "I"


def test_producer_cannot_register_for_another_subject(producer_x, subject_y):
    with pytest.raises(PermissionDenied):
        create_product(
            by=producer_x, subject=subject_y, data={"name": "X", "category": _category()}
        )


def _png(size=(800, 600)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_image_gets_a_thumbnail(producer_x, product_x):
    image = add_product_image(
        by=producer_x,
        product=product_x,
        upload=SimpleUploadedFile("anh.png", _png(), content_type="image/png"),
    )
    from PIL import Image

    with image.thumbnail.open("rb") as stored, Image.open(stored) as thumb:
        assert max(thumb.size) == 400
        assert thumb.format == "JPEG"


def test_pdf_renamed_to_png_is_refused(producer_x, product_x):
    with pytest.raises(ValidationError):
        add_product_image(
            by=producer_x,
            product=product_x,
            upload=SimpleUploadedFile("anh.png", b"%PDF-1.4 fake"),
        )
    assert ProductImage.objects.count() == 0


def test_product_list_filters_and_no_n_plus_one(
    client, django_assert_max_num_queries, province_officer, subject_x
):
    from tests.factories.registry import ProductFactory

    client.force_login(province_officer)
    ProductFactory.create_batch(2, subject=subject_x, category=_category(), star=3)
    params = {"star": 3, "group": _category().parent.parent_id, "sort": "-star"}
    with django_assert_max_num_queries(20) as baseline:
        response = client.get("/products/", params)
    assert response.status_code == 200
    assert response.content.decode().count("/products/") >= 2
    ProductFactory.create_batch(30, subject=subject_x, category=_category(), star=3)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get("/products/", params)


def test_product_pages_refuse_out_of_scope(client, producer_x, subject_y):
    from tests.factories.registry import ProductFactory

    other = ProductFactory(subject=subject_y)
    client.force_login(producer_x)
    for path in (
        f"/products/{other.pk}/",
        f"/products/{other.pk}/edit/",
        f"/products/new/{subject_y.pk}/",
        f"/products/{other.pk}/images/add/",
    ):
        assert client.get(path).status_code == 404, path
