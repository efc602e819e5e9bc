"""The statistics layer: exact figures on a crafted year, as of two dates and
now, and every figure equal to the count of the list it links to."""

from datetime import date

import pytest
import time_machine

from ocop.cycles.enums import DossierState, IdeaState
from ocop.producers.enums import LegalForm
from ocop.stats import domain as stats

from .conftest import MID_YEAR, YEAR_END

pytestmark = pytest.mark.django_db

NOW = date(2026, 3, 1)
START, END = date(2025, 1, 1), date(2025, 12, 31)


def list_count(client, figure) -> int:
    response = client.get(figure.url)
    assert response.status_code == 200, figure.url
    context = response.context
    if "report" in context and "page" not in context:
        return None
    return context["page"].paginator.count


def check_links(client, figures):
    for figure in figures:
        assert list_count(client, figure) == figure.value, figure.url


def all_cells(breakdown):
    return [breakdown.total, *breakdown.cells.values()]


def by_star(breakdown):
    return {key[0]: figure.value for key, figure in breakdown.cells.items()}


@time_machine.travel(NOW, tick=False)
def test_certified_products_now_count_a_lapsed_certificate_as_expired(crafted, client):
    province = stats.certified_products(unit=crafted.thanh_hoa)
    # c7 is still stored "valid", but its date (30/12/2025) has passed.
    assert province.total.value == 4
    assert by_star(province) == {3: 2, 4: 2}
    assert stats.certified_products().total.value == 5
    client.force_login(crafted.central)
    check_links(client, all_cells(province))


@pytest.mark.parametrize(
    ("as_of", "total", "stars"),
    [(MID_YEAR, 5, {3: 4, 4: 1}), (YEAR_END, 4, {3: 2, 4: 2})],
)
@time_machine.travel(NOW, tick=False)
def test_certified_products_as_of_a_date(crafted, client, as_of, total, stars):
    province = stats.certified_products(unit=crafted.thanh_hoa, as_of=as_of)
    assert province.total.value == total
    assert by_star(province) == stars
    assert province.total.params["on"] == as_of.isoformat()
    client.force_login(crafted.central)
    check_links(client, all_cells(province))


@time_machine.travel(NOW, tick=False)
def test_every_dimension_links_to_a_list_with_the_same_count(crafted, client):
    client.force_login(crafted.central)
    for as_of in (None, MID_YEAR, YEAR_END):
        for by in (
            ("star", "group"),
            ("star", "category"),
            ("province", "star"),
            ("commune", "star"),
            ("legal_form", "star"),
        ):
            breakdown = stats.certified_products(as_of=as_of, by=by)
            assert sum(f.value for f in breakdown.cells.values()) == breakdown.total.value
            check_links(client, all_cells(breakdown))
    at_end = stats.certified_products(unit=crafted.thanh_hoa, as_of=YEAR_END, by=("commune",))
    # c1b, c2b, c6 in commune A; c3 in B (c4 revoked, c7 lapsed on 30/12).
    assert {k[0]: f.value for k, f in at_end.cells.items()} == {
        crafted.commune_a.pk: 3,
        crafted.commune_b.pk: 1,
    }


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (YEAR_END, {"new": 2, "renewed": 1, "upgraded": 1, "expired": 2, "revoked": 1}),
        (MID_YEAR, {"new": 1, "renewed": 1, "upgraded": 0, "expired": 1, "revoked": 0}),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_the_years_changes(crafted, client, as_of, expected):
    changes = stats.certificate_changes(
        unit=crafted.thanh_hoa, start=START, end=END, as_of=as_of, by=("star",)
    )
    assert {name: b.total.value for name, b in changes.items()} == expected
    client.force_login(crafted.central)
    for breakdown in changes.values():
        check_links(client, all_cells(breakdown))
    if as_of == YEAR_END:
        assert by_star(changes["new"]) == {3: 1, 4: 1}
        assert by_star(changes["upgraded"]) == {4: 1}


@time_machine.travel(NOW, tick=False)
def test_subjects(crafted, client):
    now = stats.subjects(unit=crafted.thanh_hoa)
    assert now["total"].value == 7
    assert now["led_by_woman"].value == 3
    assert now["ethnic_minority"].value == 2
    assert {k: f.value for k, f in now["legal_form"].items() if f.value} == {
        LegalForm.COOPERATIVE: 3,
        LegalForm.LLC_ONE: 2,
        LegalForm.HOUSEHOLD: 2,
    }
    mid = stats.subjects(unit=crafted.thanh_hoa, as_of=MID_YEAR)
    assert mid["total"].value == 6
    client.force_login(crafted.central)
    for figures in (now, mid, stats.subjects(unit=crafted.commune_a)):
        check_links(
            client,
            [
                figures["total"],
                figures["led_by_woman"],
                figures["ethnic_minority"],
                *figures["legal_form"].values(),
            ],
        )


@time_machine.travel(NOW, tick=False)
def test_ideas_and_dossiers(crafted, client):
    ideas = stats.ideas_and_plans(unit=crafted.thanh_hoa, year=2025)
    assert ideas["total"].value == 5
    assert ideas["with_plan"].value == 1
    assert ideas["state"][IdeaState.SUBMITTED].value == 2
    assert stats.ideas_and_plans(unit=crafted.thanh_hoa)["total"].value == 6
    dossiers = stats.dossiers_by_state(unit=crafted.thanh_hoa, year=2025)
    assert dossiers["total"].value == len(DossierState.values)
    assert all(f.value == 1 for f in dossiers["state"].values())
    assert stats.dossiers_by_state()["state"][DossierState.EVALUATED].value == 2
    client.force_login(crafted.central)
    for figures in (ideas, stats.ideas_and_plans(unit=crafted.commune_a)):
        check_links(client, [figures["total"], figures["with_plan"], *figures["state"].values()])
    for figures in (dossiers, stats.dossiers_by_state(unit=crafted.commune_b, year=2025)):
        check_links(client, [figures["total"], *figures["state"].values()])


def test_a_legacy_or_district_unit_is_refused(crafted):
    from ocop.geo.models import AdminUnit

    legacy = AdminUnit.objects.filter(level="district").first()
    with pytest.raises(ValueError, match="2025 province or commune"):
        stats.certified_products(unit=legacy)


@time_machine.travel(NOW, tick=False)
def test_stamps_issued_and_scans(crafted, client):
    from datetime import datetime, time

    from django.utils import timezone

    from ocop.stamps.enums import RequestState
    from ocop.stamps.models import Scan, Stamp, StampBatch
    from ocop.stats.domain.refresh import count_scans

    def at(day):
        return timezone.make_aware(datetime.combine(day, time(9)))

    product = crafted.products["p1"]
    batches = [
        StampBatch.objects.create(
            product=product,
            quantity=quantity,
            state=state,
            requested_by=crafted.officer,
            decided_at=at(day),
        )
        for quantity, state, day in (
            (100, RequestState.APPROVED, date(2025, 3, 1)),
            (250, RequestState.APPROVED, date(2025, 12, 31)),
            (400, RequestState.APPROVED, date(2026, 1, 2)),
            (50, RequestState.REJECTED, date(2025, 5, 1)),
        )
    ]
    stamp = Stamp.objects.create(batch=batches[0], serial="38-00000001-K", token="t" * 20)
    for day in (date(2025, 4, 1), date(2025, 4, 1), date(2026, 1, 5)):
        Scan.objects.create(stamp=stamp, at=at(day), fingerprint="x")
    assert count_scans() == 3
    assert count_scans() == 0  # each scan once
    # A later run adds to the row of a day already counted (one upsert).
    from datetime import timedelta

    from ocop.stats.models import ScanDay

    base = at(timezone.localdate() + timedelta(days=1))
    Scan.objects.create(stamp=stamp, at=base, fingerprint="y")
    assert count_scans(now=base + timedelta(minutes=2)) == 1
    Scan.objects.create(stamp=stamp, at=base + timedelta(seconds=90), fingerprint="z")
    assert count_scans(now=base + timedelta(minutes=4)) == 1
    assert ScanDay.objects.get(day=base.date()).scans == 2
    assert ScanDay.objects.get(day=date(2025, 4, 1)).scans == 2
    figures = stats.stamps(unit=crafted.thanh_hoa, start=START, end=END)
    assert (figures.requests.value, figures.stamps.value, figures.scans) == (2, 350, 2)
    assert stats.stamps(unit=crafted.ha_noi, start=START, end=END).scans == 0
    client.force_login(crafted.central)
    check_links(client, [figures.requests])
    response = client.get(figures.stamps.url)
    assert sum(b.quantity for b in response.context["page"]) == figures.stamps.value


@time_machine.travel(NOW, tick=False)
def test_the_full_rebuild_agrees_with_the_facts_kept_on_change(crafted):
    from ocop.certification.models import Certificate
    from ocop.stats.domain.refresh import rebuild_certificate_facts
    from ocop.stats.models import CertificateFact

    def facts():
        return sorted(CertificateFact.objects.values_list())

    kept = facts()
    assert len(kept) == Certificate.objects.count()
    rebuild_certificate_facts()
    assert facts() == kept
    # A write that sends no signal shows after the rebuild.
    Certificate.objects.filter(pk=crafted.certificates["c6"].pk).update(star=4)
    assert by_star(stats.certified_products(unit=crafted.thanh_hoa)) == {3: 2, 4: 2}
    rebuild_certificate_facts()
    assert by_star(stats.certified_products(unit=crafted.thanh_hoa)) == {3: 1, 4: 3}
