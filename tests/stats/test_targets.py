"""Targets as data: the province's yearly targets (set, changed, removed,
logged, scoped), the national targets loaded with their basis, and the
progress beside each — every achieved figure equal to its list's count."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.domain.activity import history_for
from ocop.stats.domain import targets
from ocop.stats.models import NationalTarget, ProvinceTarget
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.stamps import certify

pytestmark = pytest.mark.django_db

COUNT = re.compile(r'id="result-count">\s*([\d.]+)')


@pytest.fixture
def thanh_hoa():
    return province("38")


@pytest.fixture
def officer(thanh_hoa):
    return user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa, username="tinh.muc-tieu")


def test_a_provincial_officer_sets_changes_and_removes_a_target_each_logged(officer, thanh_hoa):
    commune = communes("38", 1)[0]
    target, created = targets.set_province_target(
        by=officer, province=thanh_hoa, commune=commune, year=2026, star=4, new_products=5
    )
    assert created
    again, created = targets.set_province_target(
        by=officer, province=thanh_hoa, commune=commune, year=2026, star=4, new_products=7
    )
    assert (again.pk, created, again.new_products) == (target.pk, False, 7)
    # Setting the same values again changes and logs nothing.
    targets.set_province_target(
        by=officer, province=thanh_hoa, commune=commune, year=2026, star=4, new_products=7
    )
    log = list(history_for(target).order_by("id"))
    assert [(e.action, e.data["before"] and e.data["before"]["new_products"]) for e in log] == [
        ("ocop.target.set", None),
        ("ocop.target.set", 5),
    ]
    assert log[1].data["after"]["new_products"] == 7
    targets.remove_province_target(by=officer, target=again)
    assert ProvinceTarget.objects.count() == 0
    removed = list(history_for(target).order_by("id"))[-1]
    assert (removed.action, removed.data["before"]["new_products"]) == ("ocop.target.removed", 7)


def test_the_whole_province_and_any_star_are_their_own_targets(officer, thanh_hoa):
    commune = communes("38", 1)[0]
    for c, s in ((None, None), (None, 4), (commune, None), (commune, 4)):
        targets.set_province_target(
            by=officer, province=thanh_hoa, commune=c, year=2026, star=s, new_products=1
        )
    assert ProvinceTarget.objects.count() == 4


def test_another_provinces_officer_and_a_commune_officer_cannot_set_targets(thanh_hoa):
    ha_noi_officer = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"))
    commune = communes("38", 1)[0]
    commune_officer = user_with_role(Role.COMMUNE_OFFICER, unit=commune)
    for person in (ha_noi_officer, commune_officer):
        with pytest.raises(PermissionDenied):
            targets.set_province_target(
                by=person, province=thanh_hoa, year=2026, new_products=3, commune=commune
            )
    central = user_with_role(Role.CENTRAL_OFFICER)
    targets.set_province_target(by=central, province=thanh_hoa, year=2026, new_products=3)
    assert ProvinceTarget.objects.count() == 1


def test_bad_values_are_refused_in_vietnamese(officer, thanh_hoa):
    other_commune = communes("01", 1)[0]
    with pytest.raises(ValidationError) as error:
        targets.set_province_target(
            by=officer, province=thanh_hoa, commune=other_commune, year=1990, new_products=-1
        )
    messages = error.value.message_dict
    assert messages == {
        "commune": ["Xã phải là xã hoặc phường của tỉnh đã chọn."],
        "year": [f"Năm phải từ 2018 đến {timezone.localdate().year + 10}."],
        "new_products": ["Chỉ tiêu phải là số nguyên từ 0 đến 100.000."],
    }
    assert ProvinceTarget.objects.count() == 0


def test_the_visible_targets_follow_the_scope(officer, thanh_hoa):
    commune_x, commune_y = communes("38", 2)
    on_x, _ = targets.set_province_target(
        by=officer, province=thanh_hoa, commune=commune_x, year=2026, new_products=2
    )
    on_y, _ = targets.set_province_target(
        by=officer, province=thanh_hoa, commune=commune_y, year=2026, new_products=2
    )
    whole, _ = targets.set_province_target(
        by=officer, province=thanh_hoa, year=2026, new_products=9
    )
    commune_officer = user_with_role(Role.COMMUNE_OFFICER, unit=commune_x)
    ha_noi = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"))
    producer_subject = SubjectFactory(commune=commune_x)
    producer = user_with_role(Role.PRODUCER, subject=producer_subject)
    assert set(targets.targets_visible_to(officer)) == {on_x, on_y, whole}
    assert list(targets.targets_visible_to(commune_officer)) == [on_x]
    assert list(targets.targets_visible_to(ha_noi)) == []
    assert list(targets.targets_visible_to(producer)) == []


def test_the_national_targets_load_with_their_basis_and_a_second_run_writes_nothing():
    # The session set-up loaded the shipped file once already.
    assert targets.load_national_targets() == (0, 0)
    five = NationalTarget.objects.get(code="919-products-5star")
    assert (five.value, five.value_max, five.effective_from, five.due) == (
        400,
        500,
        datetime.date(2022, 8, 1),
        datetime.date(2025, 12, 31),
    )
    assert five.legal_basis.startswith("Quyết định 919/QĐ-TTg")
    assert "chưa đối chiếu" in five.unconfirmed
    assert NationalTarget.objects.get(code="919-products-3plus").unconfirmed == ""


def test_a_changed_data_file_changes_the_target(tmp_path: Path):
    text = targets.DATA_FILE.read_text(encoding="utf-8").replace("value: 10000", "value: 12000")
    changed = tmp_path / "targets.yaml"
    changed.write_text(text, encoding="utf-8")
    call_command("load_national_targets", file=str(changed), verbosity=0)
    assert NationalTarget.objects.get(code="919-products-3plus").value == 12000


def test_a_malformed_data_file_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: ocop-national-targets/1\ntargets:\n  - code: x\n", encoding="utf-8")
    with pytest.raises(targets.TargetDataError):
        targets.load_national_targets(path=bad)


def _list_count(client, url) -> int:
    page = client.get(url).content.decode()
    return int(COUNT.search(page).group(1).replace(".", ""))


def test_the_achieved_figures_equal_the_lists_they_open(client, officer, thanh_hoa):
    commune_x, commune_y = communes("38", 2)
    subject_x = SubjectFactory(commune=commune_x)
    subject_y = SubjectFactory(commune=commune_y)
    year = timezone.localdate().year
    day = datetime.date(year, 1, 2)
    certify(ProductFactory(subject=subject_x), star=4, issued=day)
    certify(ProductFactory(subject=subject_x), star=3, issued=day)
    certify(ProductFactory(subject=subject_y), star=4, issued=day)
    # Renewed this year: not a new product.
    renewed = ProductFactory(subject=subject_y)
    certify(renewed, star=3, issued=datetime.date(year - 3, 1, 2))
    certify(renewed, star=3, issued=day)
    # New last year: not this year's.
    certify(ProductFactory(subject=subject_x), star=4, issued=datetime.date(year - 1, 6, 1))
    expected = {
        (None, None): 3,
        (None, 4): 2,
        (commune_x, None): 2,
        (commune_x, 4): 1,
        (commune_y, 3): 0,
    }
    for (commune, star), _n in expected.items():
        targets.set_province_target(
            by=officer, province=thanh_hoa, commune=commune, star=star, year=year, new_products=2
        )
    rows = targets.province_progress(
        targets.targets_visible_to(officer), today=timezone.localdate(), user=officer
    )
    got = {(r.target.commune, r.target.star): r.achieved for r in rows}
    assert got == expected
    client.force_login(officer)
    for row in rows:
        assert _list_count(client, row.url) == row.achieved, row.url
    by_key = {(r.target.commune, r.target.star): r for r in rows}
    assert (by_key[(None, None)].percent, by_key[(None, None)].reached) == (150, True)
    assert (by_key[(commune_y, 3)].percent, by_key[(commune_y, 3)].reached) == (0, False)


def test_the_national_progress_counts_products_in_force_and_shares(client):
    commune = communes("38", 1)[0]
    coop = SubjectFactory(commune=commune, legal_form="htx")
    company = SubjectFactory(commune=commune, legal_form="ctcp")
    SubjectFactory(commune=commune, legal_form="hkd")
    SubjectFactory(commune=commune, legal_form="hkd")
    certify(ProductFactory(subject=coop), star=5)
    certify(ProductFactory(subject=company), star=3)
    certify(
        ProductFactory(subject=company),
        star=4,
        issued=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2023, 1, 1),
    )
    today = datetime.date(2025, 6, 30)
    rows = {r.target.code: r for r in targets.national_progress(today=today)}
    assert sorted(rows) == sorted(NationalTarget.objects.values_list("code", flat=True))
    assert (rows["919-products-3plus"].achieved, rows["919-products-5star"].achieved) == (2, 1)
    assert rows["919-share-cooperatives"].achieved == 25
    assert rows["919-share-enterprises"].achieved == 25
    assert rows["919-craft-villages"].achieved is None
    central = user_with_role(Role.CENTRAL_OFFICER)
    client.force_login(central)
    for code in ("919-products-3plus", "919-products-5star"):
        assert _list_count(client, rows[code].url) == rows[code].achieved


def test_the_targets_page_shows_progress_and_a_setter_uses_the_form(client, officer, thanh_hoa):
    client.force_login(officer)
    year = timezone.localdate().year
    url = reverse("stats:target_new")
    answer = client.post(url, {"province": thanh_hoa.pk, "year": "19", "new_products": "-3"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Năm phải từ 2018 trở đi." in page
    assert "Chỉ tiêu không được âm." in page
    answer = client.post(url, {"province": thanh_hoa.pk, "year": str(year), "new_products": "12"})
    assert answer.status_code == 302
    target = ProvinceTarget.objects.get()
    assert (target.province, target.commune, target.star, target.new_products) == (
        thanh_hoa,
        None,
        None,
        12,
    )
    page = client.get(reverse("stats:targets")).content.decode()
    assert f'data-target="{target.pk}"' in page
    assert "Quyết định 919/QĐ-TTg" in page
    # A change through the edit form; then removal through the confirmation page.
    edit = reverse("stats:target_edit", args=[target.pk])
    form = client.get(edit).context["form"]
    data = {"new_products": "15", "note": "", "opened_as": form["opened_as"].value()}
    assert client.post(edit, data).status_code == 302
    target.refresh_from_db()
    assert target.new_products == 15
    remove = reverse("stats:target_remove", args=[target.pk])
    asked = client.post(remove)
    assert asked.status_code == 200
    assert ProvinceTarget.objects.count() == 1
    assert client.post(remove, {"confirm": "1"}).status_code == 302
    assert ProvinceTarget.objects.count() == 0


def test_a_commune_officer_reads_but_cannot_open_the_form(client, officer, thanh_hoa):
    commune = communes("38", 1)[0]
    target, _ = targets.set_province_target(
        by=officer, province=thanh_hoa, commune=commune, year=2026, new_products=2
    )
    reader = user_with_role(Role.COMMUNE_OFFICER, unit=commune)
    client.force_login(reader)
    assert client.get(reverse("stats:targets") + "?year=2026").status_code == 200
    assert client.get(reverse("stats:target_new")).status_code == 403
    assert client.get(reverse("stats:target_edit", args=[target.pk])).status_code == 403
