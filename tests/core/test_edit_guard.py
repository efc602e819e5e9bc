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


def _stale_save_is_refused(url, user, theirs_change, mine_change):
    """Two tabs open the same record; the second saves first; the first's save
    is refused with what changed and its input kept."""
    first, second = _client(user), _client(user)
    mine, theirs = _open(first, url), _open(second, url)
    theirs.update(theirs_change)
    assert second.post(url, theirs).status_code == 302
    mine.update(mine_change)
    response = first.post(url, mine)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "Trong lúc bạn sửa" in page
    for value in (*theirs_change.values(), *mine_change.values()):
        assert value in page  # what changed, and what the person typed
    return response


def test_a_stale_dossier_save_is_refused(product_x, producer_x):
    from ocop.cycles.models import Dossier
    from tests.factories.cycles import ready_dossier

    dossier = ready_dossier(product=product_x, producer=producer_x)
    _stale_save_is_refused(
        f"/cycle/dossiers/{dossier.pk}/",
        producer_x,
        {"representative": "Lê Thị Tab Hai"},
        {"phone": "0987654321"},
    )
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.representative == "Lê Thị Tab Hai"
    assert dossier.phone != "0987654321"


def test_a_stale_activity_save_is_refused(province_officer):
    from ocop.events.models import Activity
    from tests.factories.events import ActivityFactory

    activity = ActivityFactory()
    _stale_save_is_refused(
        f"/events/{activity.pk}/edit/",
        province_officer,
        {"place": "Nhà văn hóa xã Hoằng Hóa"},
        {"organiser": "Sở Nông nghiệp và Môi trường"},
    )
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.place == "Nhà văn hóa xã Hoằng Hóa"
    assert activity.organiser != "Sở Nông nghiệp và Môi trường"


def test_a_stale_production_batch_save_is_refused(product_x, producer_x):
    import datetime
    from decimal import Decimal

    from ocop.traceability.domain.batches import record_batch
    from ocop.traceability.models import ProductionBatch

    batch = record_batch(
        product=product_x,
        lot_code="NM-2025-03",
        production_date=datetime.date(2025, 3, 10),
        expiry_date=datetime.date(2027, 3, 9),
        quantity=Decimal(1500),
        unit="chai 500 ml",
        by=producer_x,
    )
    _stale_save_is_refused(
        f"/traceability/batches/{batch.pk}/edit/",
        producer_x,
        {"unit": "chai 750 ml"},
        {"lot_code": "NM-2025-04"},
    )
    batch = ProductionBatch.objects.get(pk=batch.pk)
    assert (batch.unit, batch.lot_code) == ("chai 750 ml", "NM-2025-03")
