"""The notification e-mails: a line break in a notification's text (a subject
named with one, before forms refused it) must not break the e-mail's subject,
and one e-mail that fails must not stop the others."""

import pytest
from django.core import mail

from ocop.core.models import Notification
from ocop.core.tasks import send_notification_emails
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _notification(user, text):
    return Notification.objects.create(user=user, text=text, url="/cycle/")


def test_a_line_break_in_the_text_gives_a_one_line_subject():
    user = UserFactory(username="canbo.a", email="a@example.vn")
    note = _notification(user, "Hồ sơ của HTX Đồng\nTâm\r\nđã được nộp")
    assert send_notification_emails.call([note.pk]) == 1
    (sent,) = mail.outbox
    assert sent.subject == "Nền tảng OCOP: Hồ sơ của HTX Đồng Tâm đã được nộp"
    assert "HTX Đồng\nTâm" in sent.body
    note.refresh_from_db()
    assert note.emailed


def test_one_failing_e_mail_does_not_stop_the_batch(settings):
    good = UserFactory(username="canbo.b", email="b@example.vn")
    # An address with a line break is refused by Django's mail headers.
    bad = UserFactory(username="canbo.c", email="c@example.vn\nBcc: x@example.com")
    first = _notification(bad, "Thông báo 1")
    second = _notification(good, "Thông báo 2")
    assert send_notification_emails.call([first.pk, second.pk]) == 1
    assert [m.to for m in mail.outbox] == [["b@example.vn"]]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.emailed, second.emailed) == (False, True)
