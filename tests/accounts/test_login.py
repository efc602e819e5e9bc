import pytest
from django.core import mail

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_login_by_username(client):
    UserFactory(username="canbo.tinh", email="canbo@example.vn")
    response = client.post(
        "/accounts/login/", {"username": "canbo.tinh", "password": "matkhau-123"}
    )
    assert response.status_code == 302
    assert response.url == "/tasks/"


def test_login_by_email_is_case_insensitive(client):
    UserFactory(username="canbo.tinh", email="CanBo@Example.vn")
    response = client.post(
        "/accounts/login/", {"username": "canbo@example.VN", "password": "matkhau-123"}
    )
    assert response.status_code == 302


def test_wrong_password_gives_a_vietnamese_message(client):
    UserFactory(username="canbo.tinh")
    response = client.post("/accounts/login/", {"username": "canbo.tinh", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập/email hoặc mật khẩu không đúng" in response.content.decode()


def test_account_is_locked_after_repeated_failures(client, settings):
    settings.OCOP_LOGIN_MAX_FAILURES = 3
    UserFactory(username="canbo.tinh")
    for _ in range(3):
        client.post("/accounts/login/", {"username": "canbo.tinh", "password": "sai"})
    # Even the right password is refused while locked.
    response = client.post(
        "/accounts/login/", {"username": "canbo.tinh", "password": "matkhau-123"}
    )
    assert response.status_code == 200
    assert "tạm thời không thể đăng nhập trong 15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_success_clears_earlier_failures(client, settings):
    settings.OCOP_LOGIN_MAX_FAILURES = 3
    UserFactory(username="canbo.tinh")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "canbo.tinh", "password": "sai"})
    client.post("/accounts/login/", {"username": "canbo.tinh", "password": "matkhau-123"})
    client.logout()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "canbo.tinh", "password": "sai"})
    response = client.post(
        "/accounts/login/", {"username": "canbo.tinh", "password": "matkhau-123"}
    )
    assert response.status_code == 302


def test_password_reset_sends_a_working_link_from_the_task_queue(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(username="canbo.tinh", email="canbo@example.vn")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/accounts/password-reset/", {"email": "canbo@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing is sent inside the request…
    assert len(queued) == 1
    queued[0]()  # …the task is queued on commit (the test backend runs it at once)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["canbo@example.vn"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password-reset/", {"email": "khong-co@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_failures_count_against_the_account_whatever_identifier_is_typed(client, settings):
    settings.OCOP_LOGIN_MAX_FAILURES = 4
    UserFactory(username="canbo.tinh", email="canbo@example.vn")
    for login in ("canbo.tinh", "CANBO.TINH", "canbo@example.vn", "CanBo@Example.VN"):
        client.post("/accounts/login/", {"username": login, "password": "sai"})
    for login in ("canbo.tinh", "canbo@example.vn"):
        response = client.post("/accounts/login/", {"username": login, "password": "matkhau-123"})
        assert response.status_code == 200, login
        assert "tạm thời không thể đăng nhập" in response.content.decode()


def test_password_reset_is_throttled_per_address(
    client, settings, django_capture_on_commit_callbacks
):
    settings.OCOP_PASSWORD_RESET_PER_EMAIL_HOUR = 2
    UserFactory(username="canbo.tinh", email="canbo@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = client.post("/accounts/password-reset/", {"email": "canbo@example.vn"})
            assert response.status_code == 302
        response = client.post("/accounts/password-reset/", {"email": "CANBO@example.vn"})
    assert response.status_code == 200
    assert "nhiều lần trong một giờ qua" in response.content.decode()
    assert len(mail.outbox) == 2
    # An unknown address is counted the same way: the answer reveals nothing.
    for _ in range(2):
        client.post("/accounts/password-reset/", {"email": "khong-co@example.vn"})
    response = client.post("/accounts/password-reset/", {"email": "khong-co@example.vn"})
    assert "nhiều lần trong một giờ qua" in response.content.decode()


def test_password_reset_is_throttled_per_client(client, settings):
    settings.OCOP_PASSWORD_RESET_PER_CLIENT_HOUR = 3
    for n in range(3):
        response = client.post("/accounts/password-reset/", {"email": f"nguoi{n}@example.vn"})
        assert response.status_code == 302
    response = client.post("/accounts/password-reset/", {"email": "nguoi9@example.vn"})
    assert response.status_code == 200
    assert "từ thiết bị này" in response.content.decode()
    # Another client is not affected.
    response = client.post(
        "/accounts/password-reset/", {"email": "nguoi9@example.vn"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


def test_an_ipv6_client_moving_inside_its_network_is_still_throttled(client, settings):
    """A phone may use any address of its /64: the per-client limits of
    password resets and failed logins count the network."""
    settings.OCOP_PASSWORD_RESET_PER_CLIENT_HOUR = 2
    for n in range(2):
        response = client.post(
            "/accounts/password-reset/",
            {"email": f"nguoi{n}@example.vn"},
            REMOTE_ADDR=f"2001:db8:7:8::{n + 1}",
        )
        assert response.status_code == 302
    response = client.post(
        "/accounts/password-reset/", {"email": "nguoi9@example.vn"}, REMOTE_ADDR="2001:db8:7:8::99"
    )
    assert response.status_code == 200
    assert "từ thiết bị này" in response.content.decode()
    response = client.post(
        "/accounts/password-reset/", {"email": "nguoi9@example.vn"}, REMOTE_ADDR="2001:db8:7:9::1"
    )
    assert response.status_code == 302  # another network is another client
