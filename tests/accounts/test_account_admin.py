import pytest
from django.core.exceptions import PermissionDenied

from ocop.accounts.domain.accounts import create_account
from ocop.accounts.enums import Role
from ocop.accounts.models import User
from ocop.core.models import ActivityLog
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province

pytestmark = pytest.mark.django_db


def test_province_admin_creates_a_commune_officer_in_their_province(province_admin, commune_x):
    account = create_account(
        by=province_admin,
        username="xa.moi",
        full_name="Cán bộ xã mới",
        role=Role.COMMUNE_OFFICER,
        unit=commune_x,
    )
    assignment = account.role_assignments.get()
    assert (assignment.role, assignment.unit) == (Role.COMMUNE_OFFICER, commune_x)
    actions = list(
        ActivityLog.objects.filter(object_id=str(account.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["ocop.account.created", "ocop.account.role_assigned"]


def test_province_admin_cannot_create_an_account_in_another_province(province_admin):
    hanoi_commune = communes("01", 1)[0]
    with pytest.raises(PermissionDenied):
        create_account(
            by=province_admin,
            username="xa.hanoi",
            role=Role.COMMUNE_OFFICER,
            unit=hanoi_commune,
        )
    assert not User.objects.filter(username="xa.hanoi").exists()


def test_province_admin_cannot_create_central_roles(province_admin):
    with pytest.raises(PermissionDenied):
        create_account(by=province_admin, username="tw.moi", role=Role.CENTRAL_ADMIN)
    assert not User.objects.filter(username="tw.moi").exists()


def test_central_admin_creates_accounts_anywhere():
    central = user_with_role(Role.CENTRAL_ADMIN)
    account = create_account(
        by=central, username="tinh.hanoi", role=Role.PROVINCE_OFFICER, unit=province("01")
    )
    assert account.role_assignments.get().unit.code == "01"


def test_role_needs_the_right_kind_of_unit(province_admin, thanh_hoa):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="xã/phường"):
        create_account(
            by=province_admin, username="sai.cap", role=Role.COMMUNE_OFFICER, unit=thanh_hoa
        )
    assert not User.objects.filter(username="sai.cap").exists()


def test_account_form_refuses_other_province_with_a_message(client, province_admin):
    client.force_login(province_admin)
    hanoi_commune = communes("01", 1)[0]
    response = client.post(
        "/accounts/new/",
        {
            "username": "xa.hanoi",
            "full_name": "Cán bộ Hà Nội",
            "role": Role.COMMUNE_OFFICER,
            "unit": hanoi_commune.pk,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="xa.hanoi").exists()
    # The typed values are kept.
    assert 'value="xa.hanoi"' in response.content.decode()


def test_account_form_creates_in_scope(client, province_admin, commune_x):
    client.force_login(province_admin)
    response = client.post(
        "/accounts/new/",
        {
            "username": "xa.moi",
            "full_name": "Cán bộ xã mới",
            "email": "xa.moi@example.vn",
            "role": Role.COMMUNE_OFFICER,
            "unit": commune_x.pk,
        },
    )
    account = User.objects.get(username="xa.moi")
    assert response.status_code == 302
    assert response.url == f"/accounts/{account.pk}/"


def test_province_admin_lists_only_accounts_of_their_province(client, province_admin, officer_x):
    outsider = user_with_role(Role.COMMUNE_OFFICER, unit=communes("01", 1)[0], username="xa.hanoi")
    client.force_login(province_admin)
    page = client.get("/accounts/").content.decode()
    assert officer_x.username in page
    assert outsider.username not in page
    assert client.get(f"/accounts/{outsider.pk}/").status_code == 404


def test_commune_officer_cannot_manage_accounts(client, officer_x):
    client.force_login(officer_x)
    response = client.get("/accounts/new/")
    assert response.status_code == 403
    assert "Chỉ quản trị viên mới có quyền quản lý tài khoản" in response.content.decode()


def test_new_account_gets_the_email_to_set_a_first_password(
    client, province_admin, commune_x, django_capture_on_commit_callbacks
):
    from django.core import mail

    account = create_account(
        by=province_admin,
        username="xa.moi",
        email="xa.moi@example.vn",
        role=Role.COMMUNE_OFFICER,
        unit=commune_x,
    )
    assert not account.has_usable_password()
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accounts/{account.pk}/send-password-email/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["xa.moi@example.vn"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    client.logout()
    response = client.get(link.split("testserver", 1)[1].strip(), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-dau-tien-1", "new_password2": "Mat-khau-dau-tien-1"},
    )
    account.refresh_from_db()
    assert account.check_password("Mat-khau-dau-tien-1")


def test_a_province_admin_picks_units_of_their_province_only(client, province_admin):
    client.force_login(province_admin)
    form = client.get("/accounts/new/").content.decode()
    assert "/accounts/units/search/?target=id_unit" in form
    in_province = client.get("/accounts/units/search/", {"q": "thanh hoa", "target": "id_unit"})
    other = client.get("/accounts/units/search/", {"q": "ha noi", "target": "id_unit"})
    assert "Tỉnh Thanh Hóa" in in_province.content.decode()
    assert "Thành phố Hà Nội" not in other.content.decode()
    # The public search knows nothing of accounts: it finds every unit.
    assert "Thành phố Hà Nội" in client.get("/geo/units/search/", {"q": "ha noi"}).content.decode()


def test_the_central_admin_picks_any_unit(client):
    admin = user_with_role(Role.CENTRAL_ADMIN, username="qt.tw")
    client.force_login(admin)
    assert "/geo/units/search/?target=id_unit" in client.get("/accounts/new/").content.decode()
    found = client.get("/accounts/units/search/", {"q": "ha noi"}).content.decode()
    assert "Thành phố Hà Nội" in found


def test_the_account_unit_search_is_for_account_admins(client, officer_x):
    client.force_login(officer_x)
    assert client.get("/accounts/units/search/", {"q": "ha noi"}).status_code == 403
