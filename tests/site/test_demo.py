"""The demo data command and its logins: the command only orchestrates the
apps' demo modules (``ocop/<app>/demo.py``), in one transaction."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.accounts.demo import ACCOUNTS
from ocop.accounts.models import RoleAssignment, User
from ocop.geo.models import AdminUnit
from ocop.producers.models import Subject

pytestmark = pytest.mark.django_db


def test_demo_logins_lists_every_demo_account(settings):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"Demo logins (password for all: {settings.OCOP_DEMO_PASSWORD}):"
    assert [line.split()[0] for line in lines[1:]] == [username for username, *_ in ACCOUNTS]


def test_every_demo_account_logs_in_with_its_role_and_scope(client, settings):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    dongtam = Subject.objects.get(registration_number="2801234567")
    for username, role, unit, subject in [
        ("admin", "central_admin", None, None),
        ("tinh.canbo", "province_officer", "Thanh Hóa", None),
        ("xa.hoanghoa", "commune_officer", "Hoằng Hóa", None),
        ("sx.dongtam", "producer", None, dongtam),
        ("tuvan", "consultant", None, dongtam),
    ]:
        assignment = RoleAssignment.objects.get(user__username=username)
        assert assignment.role == role
        assert getattr(assignment.unit, "name", None) == unit
        assert assignment.subject == subject
    assert User.objects.get(username="admin").is_superuser
    assert client.login(username="sx.dongtam", password=settings.OCOP_DEMO_PASSWORD)


def test_without_the_province_the_demo_stops_and_writes_nothing():
    AdminUnit.objects.filter(code="38", level="province").update(code="X38")
    with pytest.raises(CommandError, match="load_admin_units"):
        call_command("load_demo", verbosity=0)
    assert not User.objects.filter(username="tinh.canbo").exists()
