"""Onboarding producers (issue 18, point 7): an officer whose unit covers a
subject invites its representative by e-mail or phone; the one-time link (only
its hash stored) expires, can be sent again or revoked, is logged, shows its
state on the subject's page, and accepting creates (or extends) an account
with exactly the producer role for that subject."""

import hashlib
import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.domain.invitations import invite_representative
from ocop.accounts.enums import InvitationState, Role
from ocop.accounts.models import Invitation, RoleAssignment, User
from ocop.accounts.rules import forget_scope, scope_for
from ocop.core.models import ActivityLog
from ocop.core.qr import qr_png_bytes, qr_svg_data_uri
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/accounts/invitation/[\w-]+/")


def invite_url(subject):
    return reverse("producers:invitation_create", args=[subject.pk])


def act_url(invitation):
    return reverse("producers:invitation_act", args=[invitation.subject_id, invitation.pk])


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def email_invite(client, officer, subject, capture, **data):
    client.force_login(officer)
    with capture(execute=True):
        response = client.post(
            invite_url(subject),
            {"full_name": "Lê Thị Hoa", "email": "hoa@example.vn", "phone": "", **data},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Invitation.objects.get(subject=subject)


def test_commune_officer_invites_by_email_and_the_link_opens_an_account_scoped_to_the_subject(
    client, officer_x, subject_x, subject_y, django_capture_on_commit_callbacks
):
    invitation = email_invite(client, officer_x, subject_x, django_capture_on_commit_callbacks)
    # the e-mail went through the task queue with the link
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]]
    link = LINK.search(mail.outbox[0].body).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    # only the hash is at rest
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert ActivityLog.objects.filter(action="ocop.invitation.sent", actor=officer_x).count() == 1
    page = client.get(reverse("producers:detail", args=[subject_x.pk])).content.decode()
    assert 'data-state="sent"' in page

    client.logout()
    form = client.get(path_of(link))
    assert form.status_code == 200
    assert subject_x.name in html.unescape(form.content.decode())
    response = client.post(
        path_of(link),
        {
            "username": "hoa.sx",
            "password1": "Mật-khẩu-đủ-dài-2026",
            "password2": "Mật-khẩu-đủ-dài-2026",
        },
    )
    assert response.status_code == 302
    account = User.objects.get(username="hoa.sx")
    assert account.email == "hoa@example.vn"
    assert account.full_name == "Lê Thị Hoa"
    assert account.check_password("Mật-khẩu-đủ-dài-2026")
    # exactly the producer role for that subject, nothing else
    assert list(
        RoleAssignment.objects.filter(user=account).values_list("role", "subject", "unit")
    ) == [(Role.PRODUCER, subject_x.pk, None)]
    scope = scope_for(account)
    assert scope.roles == {Role.PRODUCER}
    assert scope.subject_ids() == {subject_x.pk}
    assert client.get(reverse("producers:detail", args=[subject_x.pk])).status_code == 200
    assert client.get(reverse("producers:detail", args=[subject_y.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert invitation.account == account
    assert ActivityLog.objects.filter(action="ocop.invitation.accepted", actor=account).exists()
    # one time only
    client.logout()
    assert client.get(path_of(link)).status_code == 404
    client.force_login(officer_x)
    page = client.get(reverse("producers:detail", args=[subject_x.pk])).content.decode()
    assert 'data-state="accepted"' in page
    assert "hoa.sx" in page


def test_an_expired_invitation_is_refused_then_sent_again_with_a_new_link(
    client, settings, officer_x, subject_x, django_capture_on_commit_callbacks
):
    settings.OCOP_INVITATION_DAYS = 7
    invitation = email_invite(client, officer_x, subject_x, django_capture_on_commit_callbacks)
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    old_link = LINK.search(mail.outbox[0].body).group(0)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(reverse("producers:detail", args=[subject_x.pk])).content.decode()
    assert 'data-state="expired"' in page
    client.logout()
    expired = client.get(path_of(old_link))
    assert expired.status_code == 410
    assert "hết hạn" in expired.content.decode()
    response = client.post(
        path_of(old_link),
        {"username": "x1", "password1": "Abc-12345-xyz", "password2": "Abc-12345-xyz"},
    )
    assert response.status_code == 410
    assert not User.objects.filter(username="x1").exists()

    client.force_login(officer_x)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act_url(invitation), {"action": "resend"})
    new_link = LINK.search(mail.outbox[1].body).group(0)
    assert new_link != old_link
    invitation.refresh_from_db()
    assert invitation.shown_state() == InvitationState.SENT
    assert invitation.send_count == 2
    assert ActivityLog.objects.filter(action="ocop.invitation.resent").count() == 1
    client.logout()
    assert client.get(path_of(old_link)).status_code == 404
    assert client.get(path_of(new_link)).status_code == 200


def test_phone_invitation_shows_the_link_and_its_qr_once(client, officer_x, subject_x):
    client.force_login(officer_x)
    response = client.post(
        invite_url(subject_x), {"full_name": "Trần Văn Nam", "email": "", "phone": "0912 345 678"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert not mail.outbox
    assert "SMS" in page
    link = html.unescape(
        re.search(r'id="invitation-link" type="text" readonly value="([^"]+)"', page).group(1)
    )
    src = re.search(r'id="invitation-qr"', page) and re.search(
        r'<img src="([^"]+)"[^>]*id="invitation-qr"', page
    ).group(1)
    assert html.unescape(src) == qr_svg_data_uri(link, scale=5)
    import io

    from PIL import Image
    from pyzbar.pyzbar import decode

    assert decode(Image.open(io.BytesIO(qr_png_bytes(link))))[0].data.decode() == link
    invitation = Invitation.objects.get(subject=subject_x)
    assert invitation.phone == "0912345678"
    assert invitation.channel == "phone"
    client.logout()
    response = client.post(
        path_of(link),
        {"username": "0912345678", "password1": "Abc-12345-xyz", "password2": "Abc-12345-xyz"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="0912345678").phone == "0912345678"


def test_revoked_link_no_longer_works(
    client, officer_x, subject_x, django_capture_on_commit_callbacks
):
    invitation = email_invite(client, officer_x, subject_x, django_capture_on_commit_callbacks)
    link = LINK.search(mail.outbox[0].body).group(0)
    client.post(act_url(invitation), {"action": "revoke"})
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED
    assert ActivityLog.objects.filter(action="ocop.invitation.revoked", actor=officer_x).exists()
    page = client.get(reverse("producers:detail", args=[subject_x.pk])).content.decode()
    assert 'data-state="revoked"' in page
    # a revoked invitation cannot be sent again
    response = client.post(act_url(invitation), {"action": "resend"}, follow=True)
    assert "Không thể “Gửi lại”" in html.unescape(response.content.decode())
    client.logout()
    assert client.get(path_of(link)).status_code == 404


def test_a_signed_in_person_adds_the_subject_to_their_account(
    client, officer_x, subject_x, producer_x, subject_y, commune_y
):
    other = user_with_role(Role.PRODUCER, subject=subject_y, username="sx.y", email="y@example.vn")
    client.force_login(officer_x)
    response = client.post(
        invite_url(subject_x), {"full_name": "Sx Y", "email": "", "phone": "0987654321"}
    )
    link = html.unescape(re.search(r'readonly value="([^"]+)"', response.content.decode()).group(1))
    client.force_login(other)
    assert "sx.y" in client.get(path_of(link)).content.decode()
    assert client.post(path_of(link)).status_code == 302
    forget_scope(other)
    assert scope_for(other).subject_ids() == {subject_x.pk, subject_y.pk}
    assert RoleAssignment.objects.filter(user=other).count() == 2


def test_an_address_already_in_use_asks_to_log_in_first(
    client, officer_x, subject_x, django_capture_on_commit_callbacks
):
    user_with_role(Role.PRODUCER, subject=subject_x, username="cu", email="hoa@example.vn")
    email_invite(client, officer_x, subject_x, django_capture_on_commit_callbacks)
    link = LINK.search(mail.outbox[0].body).group(0)
    client.logout()
    response = client.post(
        path_of(link),
        {"username": "moi", "password1": "Abc-12345-xyz", "password2": "Abc-12345-xyz"},
    )
    assert response.status_code == 200
    assert "đăng nhập" in response.content.decode()
    assert not User.objects.filter(username="moi").exists()
    assert Invitation.objects.get().state == InvitationState.SENT


def test_form_errors_are_specific(client, officer_x, subject_x):
    client.force_login(officer_x)
    response = client.post(invite_url(subject_x), {"full_name": "A", "email": "", "phone": ""})
    assert "email hoặc số điện thoại" in response.content.decode()
    response = client.post(invite_url(subject_x), {"full_name": "A", "email": "", "phone": "abc"})
    assert "chỉ gồm chữ số" in response.content.decode()
    assert not Invitation.objects.exists()


def test_only_officers_whose_unit_covers_the_subject_may_invite(
    client, subject_x, commune_y, producer_x, province_officer
):
    outsider = user_with_role(Role.COMMUNE_OFFICER, unit=commune_y, username="xa.y")
    other_province = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")
    advisory = user_with_role(Role.ADVISORY_TEAM, unit=province("38"), username="tv")
    data = {"full_name": "A", "email": "a@example.vn", "phone": ""}
    for user, status in (
        (outsider, 404),
        (other_province, 404),
        (advisory, 403),
        (producer_x, 403),
    ):
        client.force_login(user)
        assert client.post(invite_url(subject_x), data).status_code == status, user
    assert not Invitation.objects.exists()
    # the province officer of the subject's province may
    invitation, token = invite_representative(
        by=province_officer, subject=subject_x, full_name="A", phone="0912345678"
    )
    assert token
    # and the others may not resend or revoke it
    client.force_login(advisory)
    assert client.post(act_url(invitation), {"action": "revoke"}).status_code == 403
    client.force_login(outsider)
    assert client.post(act_url(invitation), {"action": "revoke"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.SENT
