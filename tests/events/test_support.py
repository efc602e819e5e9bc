"""Materials distributed and support to subjects: validation, scope, removal
(which keeps the log entry), and their pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.events.domain.support import (
    record_distribution,
    record_support,
    remove_distribution,
    remove_support,
)
from ocop.events.enums import MaterialKind, SupportKind
from ocop.events.models import MaterialDistribution, Support
from tests.factories.accounts import user_with_role
from tests.factories.events import ActivityFactory
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


def _support(by, subject, **kwargs):
    values = {
        "kind": SupportKind.CLIP,
        "given_on": date(2025, 5, 1),
        "provider": "Trung tâm Xúc tiến thương mại",
    }
    values.update(kwargs)
    return record_support(by=by, subject=subject, **values)


# Support: validation ------------------------------------------------------------------


def _refused(exc_info, field):
    assert field in exc_info.value.message_dict
    assert Support.objects.count() == 0
    assert not ActivityLog.objects.filter(action="ocop.support.recorded").exists()


def test_a_product_of_another_subject_is_refused(officer_x, subject_x, product_y):
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        _support(officer_x, subject_x, product=product_y)
    assert exc_info.value.message_dict["product"] == [
        f"“{product_y.name}” is not a product of {subject_x.name}."
    ]
    _refused(exc_info, "product")


def test_a_negative_value_is_refused(officer_x, subject_x):
    with pytest.raises(ValidationError) as exc_info:
        _support(officer_x, subject_x, value=Decimal(-1))
    _refused(exc_info, "value")


def test_a_future_date_is_refused(officer_x, subject_x):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        _support(officer_x, subject_x, given_on=tomorrow)
    assert exc_info.value.message_dict["given_on"] == ["The date cannot be in the future."]
    _refused(exc_info, "given_on")


def test_a_missing_provider_is_refused(officer_x, subject_x):
    with pytest.raises(ValidationError) as exc_info:
        _support(officer_x, subject_x, provider="  ")
    _refused(exc_info, "provider")


def test_a_subject_outside_the_officers_unit_is_refused(officer_x, subject_y, hanoi_officer):
    for officer in (officer_x, hanoi_officer):  # another commune; another province
        with translation.override("en"), pytest.raises(PermissionDenied) as exc_info:
            _support(officer, subject_y)
        assert str(exc_info.value) == "You may only record support to subjects of your own unit."
    assert Support.objects.count() == 0


def test_support_is_recorded_and_logged(province_officer, subject_x, product_x):
    support = _support(
        province_officer, subject_x, product=product_x, value=Decimal(3_000_000), note=" clip "
    )
    assert (support.subject, support.product, support.value, support.note) == (
        subject_x,
        product_x,
        Decimal(3_000_000),
        "clip",
    )
    entry = ActivityLog.objects.get(action="ocop.support.recorded")
    assert entry.unit == subject_x.commune
    assert entry.data["kind"] == SupportKind.CLIP
    assert entry.data["product"] == product_x.pk
    assert entry.data["value"] == "3000000"


def test_removing_support_keeps_the_log_entry(officer_x, subject_x, subject_y, province_officer):
    support = _support(officer_x, subject_x, kind=SupportKind.ECOMMERCE)
    pk = support.pk
    other = _support(province_officer, subject_y)
    with pytest.raises(PermissionDenied):
        remove_support(support=other, by=officer_x)  # another commune's subject
    remove_support(support=support, by=officer_x)
    assert not Support.objects.filter(pk=pk).exists()
    entry = ActivityLog.objects.get(action="ocop.support.removed")
    assert entry.object_id == str(pk)
    assert entry.data["id"] == pk
    assert entry.data["subject"] == subject_x.pk
    assert entry.data["kind"] == SupportKind.ECOMMERCE
    assert entry.data["given_on"] == "2025-05-01"
    assert ActivityLog.objects.filter(action="ocop.support.recorded", object_id=str(pk)).exists()


# Materials distributed ----------------------------------------------------------------


def test_a_commune_distribution_takes_its_province(officer_x, commune_x):
    distribution = record_distribution(
        by=officer_x,
        kind=MaterialKind.LEAFLET,
        quantity=300,
        distributed_on=date(2025, 3, 1),
        commune=commune_x,
        place="  Chợ   xã ",
    )
    assert distribution.province == province("38")
    assert distribution.place == "Chợ xã"
    entry = ActivityLog.objects.get(action="ocop.distribution.recorded")
    assert entry.unit == commune_x
    assert entry.data["quantity"] == 300


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"value": Decimal(-5)}, "value"),
        ({"distributed_on": date(2999, 1, 1)}, "distributed_on"),
        ({"kind": "poster"}, "kind"),
    ],
)
def test_an_invalid_distribution_is_refused(province_officer, changes, field):
    values = {
        "kind": MaterialKind.PANEL,
        "quantity": 5,
        "distributed_on": date(2025, 3, 1),
        "province": province("38"),
    }
    values.update(changes)
    with pytest.raises(ValidationError) as exc_info:
        record_distribution(by=province_officer, **values)
    assert field in exc_info.value.message_dict
    assert MaterialDistribution.objects.count() == 0


def test_a_distribution_outside_the_officers_unit_is_refused(officer_x, commune_y):
    for unit in ({"province": province("38")}, {"commune": commune_y}, {}):
        with pytest.raises(PermissionDenied):
            record_distribution(
                by=officer_x,
                kind=MaterialKind.PANEL,
                quantity=1,
                distributed_on=date(2025, 3, 1),
                **unit,
            )
    assert MaterialDistribution.objects.count() == 0


def test_an_activity_of_another_province_is_refused(province_officer):
    elsewhere = ActivityFactory(province=province("01"), is_public=False)
    with pytest.raises(ValidationError) as exc_info:
        record_distribution(
            by=province_officer,
            kind=MaterialKind.HANDBOOK,
            quantity=100,
            distributed_on=date(2025, 3, 1),
            province=province("38"),
            activity=elsewhere,
        )
    assert "activity" in exc_info.value.message_dict


def test_removing_a_distribution_keeps_the_log_entry(province_officer, officer_x):
    distribution = record_distribution(
        by=province_officer,
        kind=MaterialKind.STAMPS,
        quantity=40000,
        distributed_on=date(2025, 8, 1),
        province=province("38"),
    )
    pk = distribution.pk
    with pytest.raises(PermissionDenied):
        remove_distribution(distribution=distribution, by=officer_x)
    remove_distribution(distribution=distribution, by=province_officer)
    assert not MaterialDistribution.objects.filter(pk=pk).exists()
    entry = ActivityLog.objects.get(action="ocop.distribution.removed")
    assert entry.data["id"] == pk
    assert entry.data["kind"] == MaterialKind.STAMPS
    assert entry.data["quantity"] == 40000


# Pages --------------------------------------------------------------------------------


@pytest.fixture
def records(province_officer, subject_x, commune_x):
    distribution = record_distribution(
        by=province_officer,
        kind=MaterialKind.PANEL,
        quantity=18,
        distributed_on=date(2025, 2, 1),
        commune=commune_x,
    )
    support = _support(province_officer, subject_x, kind=SupportKind.TRACEABILITY)
    return distribution, support


def test_an_officer_of_another_province_sees_nothing_of_this_province(
    client, records, hanoi_officer, subject_x
):
    distribution, support = records
    client.force_login(hanoi_officer)
    response = client.get(reverse("events:distributions"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    response = client.get(reverse("events:supports"))
    assert list(response.context["page"]) == []
    for name, pk in (
        ("events:distribution_delete", distribution.pk),
        ("events:support_delete", support.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404
        assert client.post(reverse(name, args=[pk])).status_code == 404
    assert client.get(reverse("events:subject_history", args=[subject_x.pk])).status_code == 404
    assert MaterialDistribution.objects.count() == 1
    assert Support.objects.count() == 1


def test_the_lists_filter_and_total(client, records, province_officer, commune_x):
    client.force_login(province_officer)
    response = client.get(reverse("events:distributions"), {"kind": "panel", "year": "2025"})
    assert [d.quantity for d in response.context["page"]] == [18]
    assert [(t["kind"], t["quantity"]) for t in response.context["totals"]] == [("panel", 18)]
    assert response.context["nav_active"] == "events"
    response = client.get(reverse("events:distributions"), {"year": "2024"})
    assert list(response.context["page"]) == []
    response = client.get(reverse("events:distributions"), {"unit": commune_x.pk})
    assert len(response.context["page"]) == 1
    response = client.get(reverse("events:supports"), {"q": "nuoc mam lang x"})
    assert [s.kind for s in response.context["page"]] == [SupportKind.TRACEABILITY]
    response = client.get(reverse("events:supports"), {"kind": SupportKind.FUNDING})
    assert list(response.context["page"]) == []


def test_the_lists_cost_a_fixed_number_of_queries(
    client, records, province_officer, subject_x, django_assert_max_num_queries
):
    for n in range(30):
        _support(province_officer, subject_x, kind=SupportKind.CONSULTING, note=str(n))
        MaterialDistribution.objects.create(
            kind=MaterialKind.LEAFLET,
            quantity=10,
            distributed_on=date(2025, 4, 1),
            province=province("38"),
            activity=ActivityFactory(),
        )
    client.force_login(province_officer)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:supports")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("events:distributions")).status_code == 200


def test_an_officer_records_and_removes_support_through_the_pages(
    client, officer_x, subject_x, product_x
):
    client.force_login(officer_x)
    url = reverse("events:support_new")
    response = client.get(url, {"subject": subject_x.pk})
    assert response.status_code == 200
    assert list(response.context["form"].fields["product"].queryset) == [product_x]
    response = client.post(
        f"{url}?subject={subject_x.pk}",
        {
            "subject": subject_x.pk,
            "kind": SupportKind.ECOMMERCE,
            "given_on": "2025-06-01",
            "provider": "Sở Công Thương",
            "product": product_x.pk,
            "value": "1500000",
        },
    )
    assert response.status_code == 302
    support = Support.objects.get()
    assert (support.product, support.value) == (product_x, Decimal(1_500_000))
    # A future date comes back to the form with the input kept.
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        url,
        {
            "subject": subject_x.pk,
            "kind": SupportKind.CLIP,
            "given_on": future,
            "provider": "Đài PT-TH",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["form"].data["provider"] == "Đài PT-TH"
    assert Support.objects.count() == 1
    delete = reverse("events:support_delete", args=[support.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Support.objects.exists()
    assert ActivityLog.objects.filter(action="ocop.support.removed").count() == 1


def test_the_support_form_offers_only_the_officers_subjects(
    client, officer_x, subject_x, subject_y
):
    client.force_login(officer_x)
    response = client.get(reverse("events:support_new"))
    assert list(response.context["form"].fields["subject"].queryset) == [subject_x]
    assert client.get(reverse("events:support_new"), {"subject": subject_y.pk}).status_code == 404
    response = client.post(
        reverse("events:support_new"),
        {
            "subject": subject_y.pk,
            "kind": SupportKind.CLIP,
            "given_on": "2025-06-01",
            "provider": "Đài PT-TH",
        },
    )
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    assert not Support.objects.exists()


def test_an_officer_records_a_distribution_through_the_page(client, officer_x, commune_x):
    client.force_login(officer_x)
    url = reverse("events:distribution_new")
    response = client.get(url)
    assert [v for v, _label in response.context["form"].fields["unit"].choices] == [
        str(commune_x.pk)
    ]
    response = client.post(
        url,
        {
            "kind": MaterialKind.HANDBOOK,
            "quantity": "500",
            "distributed_on": "2025-03-03",
            "unit": commune_x.pk,
            "place": "Nhà văn hóa thôn",
        },
    )
    assert response.status_code == 302
    distribution = MaterialDistribution.objects.get()
    assert (distribution.commune, distribution.province) == (commune_x, province("38"))
    delete = reverse("events:distribution_delete", args=[distribution.pk])
    assert client.post(delete).status_code == 302
    assert not MaterialDistribution.objects.exists()


def test_readers_who_do_not_manage_may_not_record(client, records):
    inspector = user_with_role(Role.INSPECTOR, unit=province("38"), username="thanh.tra")
    client.force_login(inspector)
    assert client.get(reverse("events:supports")).status_code == 200
    assert client.get(reverse("events:support_new")).status_code == 403
    assert client.get(reverse("events:distribution_new")).status_code == 403
    _distribution, support = records
    assert client.post(reverse("events:support_delete", args=[support.pk])).status_code == 403
    assert Support.objects.filter(pk=support.pk).exists()
