"""No silent lost updates: two people edit the same record from open forms;
the later save is refused with what changed, and the person's input kept."""

import re

import pytest
from django.test import Client

from ocop.producers.models import Subject
from ocop.products.forms import product_set_choices
from ocop.products.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_x(product_x):
    """The registry's product, with the product set its edit form requires."""
    product_x.category = product_set_choices().first()
    product_x.save()
    return product_x


def _post_data(form) -> dict:
    """What a browser would send back for an opened form, unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


def _open(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    data = _post_data(response.context["form"])
    assert data.get("opened_as"), "the edit form carries the version it was opened on"
    assert re.search(
        r'<input type="hidden" name="opened_as" value="[^"]+"', response.content.decode()
    )
    return data


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_stale_product_save_is_refused_with_what_changed_and_the_input_kept(
    product_x, officer_x, province_officer
):
    url = f"/products/{product_x.pk}/edit/"
    first, second = _client(officer_x), _client(province_officer)
    mine = _open(first, url)
    theirs = _open(second, url)

    theirs["name"] = "Tên mới do tỉnh sửa"
    assert second.post(url, theirs).status_code == 302

    mine["description"] = "Mô tả tôi vừa viết kỹ"
    response = first.post(url, mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Trong lúc bạn sửa" in page
    assert "Tên mới do tỉnh sửa" in page  # the new value is shown…
    assert "Mô tả tôi vừa viết kỹ" in page  # …and the person's input is kept
    product_x.refresh_from_db()
    assert product_x.name == "Tên mới do tỉnh sửa"
    assert product_x.description != "Mô tả tôi vừa viết kỹ"

    # Sending the form again (it now carries the new version) saves deliberately.
    again = _post_data(response.context["form"])
    assert again["opened_as"] != mine["opened_as"]
    assert first.post(url, again).status_code == 302
    product_x.refresh_from_db()
    assert product_x.description == "Mô tả tôi vừa viết kỹ"


def test_a_save_with_no_change_in_between_goes_through(product_x, officer_x):
    url = f"/products/{product_x.pk}/edit/"
    client = _client(officer_x)
    data = _open(client, url)
    data["description"] = "Một mô tả"
    assert client.post(url, data).status_code == 302
    assert Product.objects.get(pk=product_x.pk).description == "Một mô tả"


def test_a_stale_subject_save_is_refused(subject_x, officer_x, province_officer):
    url = f"/subjects/{subject_x.pk}/edit/"
    first, second = _client(officer_x), _client(province_officer)
    mine = _open(first, url)
    theirs = _open(second, url)
    theirs["name"] = "HTX đổi tên"
    assert second.post(url, theirs).status_code == 302
    mine["phone"] = "0912345678"
    response = first.post(url, mine)
    assert response.status_code == 200
    assert "Trong lúc bạn sửa" in response.content.decode()
    assert Subject.objects.get(pk=subject_x.pk).phone != "0912345678"


def test_a_tampered_version_is_treated_as_stale(product_x, officer_x):
    url = f"/products/{product_x.pk}/edit/"
    client = _client(officer_x)
    data = _open(client, url)
    data["opened_as"] = "tampered"
    data["description"] = "x" * 20
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Trong lúc bạn sửa" in response.content.decode()
