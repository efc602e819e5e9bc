"""The back-office API: what a token reads is what its person may read on the
pages (an object outside answers 404), and writes go through the same domain
functions and rules."""

import pytest

from ocop.accounts.domain.api_tokens import create_api_token
from ocop.accounts.enums import Role
from ocop.cycles.domain import workflow
from ocop.producers.models import Subject
from ocop.stamps.models import StampBatch
from tests.factories.accounts import user_with_role
from tests.factories.cycles import ready_dossier
from tests.factories.events import ActivityFactory
from tests.factories.stamps import certify

pytestmark = pytest.mark.django_db


def token_of(user, roles, *, write=False) -> dict:
    _token, secret = create_api_token(
        user=user, name="t", days=1, roles=[str(r) for r in roles], can_write=write
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def submitted(product, subject):
    producer = user_with_role(Role.PRODUCER, subject=subject)
    dossier = ready_dossier(product=product, producer=producer)
    return workflow.set_dossier_state(dossier=dossier, action="submit", by=producer)


def test_a_commune_officers_token_cannot_read_another_communes_dossier(
    client, officer_x, product_x, subject_x, product_y, subject_y, province_officer
):
    from ocop.cycles.domain import cycles as cycle_domain
    from tests.factories.geo import province

    cycle_domain.create_cycle(by=province_officer, province=province("38"), year=2026, title="CT")
    own = submitted(product_x, subject_x)
    other = submitted(product_y, subject_y)
    headers = token_of(officer_x, [Role.COMMUNE_OFFICER])
    assert client.get(f"/api/v1/office/dossiers/{own.pk}", **headers).status_code == 200
    response = client.get(f"/api/v1/office/dossiers/{other.pk}", **headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    listed = client.get("/api/v1/office/dossiers", **headers).json()["items"]
    assert [row["id"] for row in listed] == [own.pk]


def test_a_read_only_token_cannot_write(client, officer_x, commune_x):
    headers = token_of(officer_x, [Role.COMMUNE_OFFICER])
    body = {"name": "HTX Mới", "legal_form": "htx", "commune_code": commune_x.code}
    response = client.post(
        "/api/v1/office/subjects", body, content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert not Subject.objects.filter(name="HTX Mới").exists()


def test_an_officer_registers_and_changes_a_subject_through_the_domain(
    client, officer_x, commune_x, commune_y
):
    headers = token_of(officer_x, [Role.COMMUNE_OFFICER], write=True)
    body = {"name": "HTX Mới", "legal_form": "htx", "commune_code": commune_x.code}
    created = client.post(
        "/api/v1/office/subjects", body, content_type="application/json", **headers
    )
    assert created.status_code == 201, created.content
    subject = Subject.objects.get(pk=created.json()["id"])
    assert subject.commune == commune_x
    changed = client.patch(
        f"/api/v1/office/subjects/{subject.pk}",
        {"phone": "0912345678"},
        content_type="application/json",
        **headers,
    )
    assert changed.status_code == 200
    assert changed.json()["phone"] == "0912345678"
    # The same rule as the page: a commune officer registers only in their commune.
    elsewhere = {**body, "name": "HTX Khác", "commune_code": commune_y.code}
    refused = client.post(
        "/api/v1/office/subjects", elsewhere, content_type="application/json", **headers
    )
    assert refused.status_code == 403
    # A domain validation error comes back as 422 with its message.
    wrong = {**body, "name": "HTX Sai", "registration_number": "abc"}
    invalid = client.post(
        "/api/v1/office/subjects", wrong, content_type="application/json", **headers
    )
    assert invalid.status_code == 422
    assert invalid.json()["detail"]


def test_a_producer_requests_stamps_through_the_api(client, subject_x, product_x):
    certify(product_x)
    producer = user_with_role(Role.PRODUCER, subject=subject_x)
    headers = token_of(producer, [Role.PRODUCER], write=True)
    response = client.post(
        "/api/v1/office/stamp-batches",
        {"product_id": product_x.pk, "quantity": 20},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    batch = StampBatch.objects.get()
    assert (batch.product, batch.quantity, batch.requested_by) == (product_x, 20, producer)
    listed = client.get("/api/v1/office/stamp-batches", **headers).json()["items"]
    assert [row["id"] for row in listed] == [batch.pk]


def test_an_officer_adds_a_participant_to_an_activity_they_run(client, province_officer):
    from tests.factories.geo import province

    activity = ActivityFactory(province=province("38"))
    headers = token_of(province_officer, [Role.PROVINCE_OFFICER], write=True)
    url = f"/api/v1/office/activities/{activity.pk}/participants"
    added = client.post(
        url,
        {"full_name": "Lê Thị Hoa", "audience": "subjects", "phone": "0912000111"},
        content_type="application/json",
        **headers,
    )
    assert added.status_code == 201, added.content
    listed = client.get(url, **headers).json()["items"]
    assert [row["full_name"] for row in listed] == ["Lê Thị Hoa"]
    twice = client.post(
        url,
        {"full_name": "Lê Thị Hoa", "audience": "subjects", "phone": "0912000111"},
        content_type="application/json",
        **headers,
    )
    assert twice.status_code == 422  # the domain's "already registered"
