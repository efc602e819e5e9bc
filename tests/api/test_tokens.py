"""Personal API tokens: made by a person for themselves, hashed at rest,
never wider than their roles, expiring, revocable, every use recorded."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.accounts.domain.api_tokens import create_api_token, revoke_api_token
from ocop.accounts.enums import Role
from ocop.accounts.models import ApiToken, ApiTokenUse, RoleAssignment
from ocop.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_secret_is_shown_once_and_only_its_hash_is_stored(officer_x):
    token, secret = create_api_token(
        user=officer_x, name="Excel", days=30, roles=[Role.COMMUNE_OFFICER]
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("ocop_")
    assert len(secret) > 40
    assert secret not in (stored.token_hash, stored.prefix)
    assert stored.prefix == secret[:12]
    assert ActivityLog.objects.filter(action="ocop.api_token.created").count() == 1


def test_a_token_cannot_carry_a_role_its_person_does_not_hold(officer_x):
    with pytest.raises(PermissionDenied):
        create_api_token(user=officer_x, name="x", days=30, roles=[Role.CENTRAL_ADMIN])
    with pytest.raises(ValidationError):
        create_api_token(user=officer_x, name="x", days=30, roles=[])
    with pytest.raises(ValidationError):
        create_api_token(user=officer_x, name="x", days=5000, roles=[Role.COMMUNE_OFFICER])
    assert not ApiToken.objects.exists()


def test_a_valid_token_is_let_in_and_each_use_is_recorded(client, officer_x, subject_x):
    _token, secret = create_api_token(
        user=officer_x, name="x", days=30, roles=[Role.COMMUNE_OFFICER]
    )
    response = client.get("/api/v1/office/subjects", **bearer(secret))
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["items"]] == [subject_x.pk]
    assert response["Cache-Control"] == "private, no-store"
    use = ApiTokenUse.objects.get()
    assert (use.method, use.path, use.status) == ("GET", "/api/v1/office/subjects", 200)


def test_no_token_a_wrong_one_an_expired_or_revoked_one_answer_401(client, officer_x):
    token, secret = create_api_token(
        user=officer_x, name="x", days=30, roles=[Role.COMMUNE_OFFICER]
    )
    url = "/api/v1/office/subjects"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer(secret + "x")).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url, **bearer(secret)).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert client.get(url, **bearer(secret)).status_code == 200
    revoke_api_token(token=token, by=officer_x)
    response = client.get(url, **bearer(secret))
    assert response.status_code == 401
    body = response.json()
    assert (body["status"], body["code"]) == (401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_only_the_owner_revokes(officer_x, province_officer):
    token, _secret = create_api_token(
        user=officer_x, name="x", days=30, roles=[Role.COMMUNE_OFFICER]
    )
    with pytest.raises(PermissionDenied):
        revoke_api_token(token=token, by=province_officer)


def test_a_role_given_up_leaves_the_token_too(client, officer_x, subject_x):
    _token, secret = create_api_token(
        user=officer_x, name="x", days=30, roles=[Role.COMMUNE_OFFICER]
    )
    RoleAssignment.objects.filter(user=officer_x).update(
        valid_from=timezone.localdate() - timedelta(days=10),
        valid_to=timezone.localdate() - timedelta(days=1),
    )
    response = client.get("/api/v1/office/subjects", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_token_narrowed_to_one_role_sees_only_that_roles_scope(client, subject_x, subject_y):
    from tests.factories.accounts import user_with_role

    person = user_with_role(Role.PRODUCER, subject=subject_x, username="hai.vai")
    RoleAssignment.objects.create(user=person, role=Role.CONSULTANT, subject=subject_y)
    _token, secret = create_api_token(user=person, name="x", days=30, roles=[Role.PRODUCER])
    response = client.get("/api/v1/office/subjects", **bearer(secret))
    assert [row["id"] for row in response.json()["items"]] == [subject_x.pk]


def test_the_account_page_creates_shows_once_and_revokes_with_confirmation(client, officer_x):
    client.force_login(officer_x)
    page = client.get("/accounts/me/api-tokens/")
    assert page.status_code == 200
    response = client.post(
        "/accounts/me/api-tokens/",
        {"name": "Bảng tính", "days": 30, "roles": [Role.COMMUNE_OFFICER]},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret
    assert secret in response.content.decode()
    assert secret not in client.get("/accounts/me/api-tokens/").content.decode()
    token = ApiToken.objects.get()
    url = f"/accounts/me/api-tokens/{token.pk}/revoke/"
    asked = client.post(url)
    assert asked.status_code == 200
    assert "confirm-action" in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(url, {"confirm": "1"}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_wider_role_posted_by_hand_is_refused_by_the_form(client, officer_x):
    client.force_login(officer_x)
    response = client.post(
        "/accounts/me/api-tokens/", {"name": "x", "days": 30, "roles": [Role.CENTRAL_ADMIN]}
    )
    assert response.status_code == 200
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()
