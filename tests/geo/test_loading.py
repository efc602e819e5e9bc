import pytest
from django.core.management import call_command

from ocop.geo.enums import LEGACY_END_DATE, Era, Level
from ocop.geo.models import AdminUnit, AdminUnitSuccession

pytestmark = pytest.mark.django_db


def _count(era, level):
    return AdminUnit.objects.filter(era=era, level=level).count()


def test_2025_units_are_34_provinces_and_3321_communes():
    assert _count(Era.CURRENT, Level.PROVINCE) == 34
    assert _count(Era.CURRENT, Level.COMMUNE) == 3321
    assert _count(Era.CURRENT, Level.DISTRICT) == 0


def test_legacy_units_are_63_provinces_with_districts_and_end_date():
    assert _count(Era.LEGACY, Level.PROVINCE) == 63
    assert _count(Era.LEGACY, Level.DISTRICT) > 680
    assert _count(Era.LEGACY, Level.COMMUNE) > 10000
    ends = set(AdminUnit.objects.filter(era=Era.LEGACY).values_list("valid_to", flat=True))
    assert ends == {LEGACY_END_DATE}


def test_every_legacy_unit_has_a_2025_province():
    orphans = AdminUnit.objects.filter(era=Era.LEGACY, successor_province__isnull=True)
    assert orphans.count() == 0


def test_loading_twice_changes_nothing(capsys):
    before = (
        AdminUnit.objects.count(),
        AdminUnitSuccession.objects.count(),
        sorted(AdminUnit.objects.values_list("era", "code", "search_text"))[:50],
    )
    call_command("load_admin_units")
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 0 successions created, 0 successions removed" in out
    after = (
        AdminUnit.objects.count(),
        AdminUnitSuccession.objects.count(),
        sorted(AdminUnit.objects.values_list("era", "code", "search_text"))[:50],
    )
    assert before == after


def test_a_changed_unit_is_repaired_by_reloading(capsys):
    unit = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="38")
    AdminUnit.objects.filter(pk=unit.pk).update(full_name="Sai tên")
    call_command("load_admin_units")
    assert "0 created, 1 updated" in capsys.readouterr().out
    unit.refresh_from_db()
    assert unit.full_name == "Tỉnh Thanh Hóa"
