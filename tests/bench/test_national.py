"""The national data generator (bench/national.py) at a small scale: the
shape it promises (shares of legal forms and stars) and the invariants the
application relies on (a certified product has one valid certificate of its
star; superseded certificates point to a later one; every decided item has
its members' submitted sheets summing to its score; serials carry the right
check letter; scan counters equal the scan log), on PostgreSQL, where it runs.
"""

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.db.models import Count, Max, Min, Sum

from bench.national import LEGAL_FORMS, MEMBERS, PRODUCTS, SUBJECTS, TODAY, Generator
from ocop.certification.models import Certificate, DecisionItem
from ocop.cycles.models import Dossier
from ocop.evaluation.models import AgendaItem, Scoresheet
from ocop.producers.models import Subject
from ocop.products.models import Product
from ocop.stamps.domain.serials import parse_serial
from ocop.stamps.domain.verify import is_stamp_token, verify
from ocop.stamps.models import Scan, Stamp

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the generator uses COPY"),
    pytest.mark.django_db,
]
SCALE = 0.02


def indexes(table: str) -> set[tuple[str, bool]]:
    """Names of the table's indexes, and whether each is unique (the text of a
    rebuilt index's definition may differ: PostgreSQL normalises its casts)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisunique FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
            [table],
        )
        return set(cursor.fetchall())


@pytest.fixture
def generated():
    before = {t: indexes(t) for t in ["stamps_stamp", "stamps_scan", "cycles_dossier"]}
    Generator(scale=SCALE, seed=7).run()
    return before


def test_the_shape_follows_the_national_figures(generated):
    subjects = Subject.objects.count()
    assert abs(subjects - SUBJECTS * SCALE) <= 34  # rounding per province
    assert Product.objects.count() == round(PRODUCTS * SCALE)
    forms = Counter(Subject.objects.values_list("legal_form", flat=True))
    for form, share in LEGAL_FORMS:
        assert abs(forms[form] / subjects - share) < 0.07, (form, forms[form] / subjects)
    stars = Counter(Product.objects.filter(status="certified").values_list("star", flat=True))
    certified = sum(stars.values())
    assert 0.63 < stars[3] / certified < 0.83
    assert 0.15 < stars[4] / certified < 0.33
    assert stars[5] / certified < 0.03
    statuses = Counter(Product.objects.values_list("status", flat=True))
    assert statuses["expired"]
    assert statuses["certified"]
    assert statuses["in_evaluation"]
    years = set(Dossier.objects.values_list("cycle__year", flat=True))
    assert years == {2021, 2022, 2023, 2024, 2025, 2026}
    # The process follows the rules data: through the district before 1489.
    paths = dict(Dossier.objects.values_list("cycle__year", "path").distinct())
    assert (paths[2021], paths[2026]) == ("148", "1489")
    # The 2026 second round is in flight: dossiers wait on every side.
    waiting = set(Dossier.objects.exclude(state="evaluated").values_list("state", flat=True))
    assert {"submitted", "returned", "forwarded", "prechecked"} <= waiting


def test_certificates_agree_with_products_and_decisions(generated):
    for product in Product.objects.filter(status="certified"):
        current = Certificate.objects.get(product=product, status="valid")
        assert (current.star, current.valid_until) == (product.star, product.certified_until)
        assert current.valid_until >= TODAY
    for product in Product.objects.filter(status="expired"):
        latest = Certificate.objects.filter(product=product).order_by("-decision_date")[0]
        assert latest.status == "expired"
        assert latest.valid_until < TODAY
    assert Certificate.objects.filter(status="revoked", revocation__isnull=True).count() == 0
    for old in Certificate.objects.filter(status="superseded").select_related("superseded_by"):
        assert old.superseded_by.product_id == old.product_id
        assert old.superseded_by.decision_date > old.decision_date
    # Each certificate is a line of its decision's annex, with the same star.
    lines = set(DecisionItem.objects.values_list("decision", "product", "star"))
    assert set(Certificate.objects.values_list("decision", "product", "star")) == lines


def test_every_decided_item_has_its_members_sheets(generated):
    items = AgendaItem.objects.annotate(
        sheets=Count("scoresheets", distinct=True), total=Sum("scoresheets__total")
    )
    assert items.exists()
    for item in items:
        assert item.sheets == MEMBERS == item.score_count
        assert item.total == item.score_sum
        assert item.band_star == item.star
    assert not Scoresheet.objects.exclude(status="submitted").exists()
    assert Dossier.objects.filter(state="evaluated", agenda_item__isnull=True).count() == 0
    # The history is closed: a 5★ product's dossier ends on its central item,
    # so no past dossier still waits for the office to propose it.
    assert not Dossier.objects.filter(state="evaluated", agenda_item__proposed=True).exists()
    assert AgendaItem.objects.filter(proposed=True).exists()


def test_stamps_scans_and_indexes(generated):
    stamps = Stamp.objects.count()
    assert stamps == round(2_000_000 * SCALE)
    for serial, token in Stamp.objects.values_list("serial", "token")[:2000]:
        parse_serial(serial)  # raises on a wrong check letter
        assert is_stamp_token(token)
    assert Stamp.objects.aggregate(n=Sum("scan_count"))["n"] == Scan.objects.count()
    firsts = Scan.objects.values("stamp").annotate(first=Min("at"), last=Max("at"))
    first_scan = dict(Stamp.objects.filter(scan_count__gt=0).values_list("id", "first_scan_at"))
    for row in firsts[:2000]:
        assert row["first"] == first_scan[row["stamp"]]
        assert row["last"].date() <= date(2026, 11, 24)
    stamp = Stamp.objects.filter(batch__certificate__status="valid").first()
    assert verify(f"/s/{stamp.token}", today=TODAY).outcome == "valid"
    # The indexes dropped for the load are all back.
    for table, before in generated.items():
        assert indexes(table) == before, table


def test_points_of_sale_and_listings(generated):
    from ocop.geo.models import AdminUnit
    from ocop.trade.enums import PLATFORM_HOSTS, LinkState
    from ocop.trade.models import Listing, PointOfSale

    provinces = AdminUnit.objects.filter(era="2025", level="province").count()
    points = PointOfSale.objects.select_related("commune")
    # A few per province, in every province, each in a commune of its province.
    assert set(points.values_list("province", flat=True).distinct()).__len__() == provinces
    assert points.count() >= 3 * provinces
    for point in points:
        assert point.commune.province_id == point.province_id
        assert point.search_text.strip()
    # They carry products in force of their own province.
    carried = PointOfSale.products.through.objects.select_related("product", "pointofsale")
    assert carried.exists()
    for row in carried:
        assert row.product.province_id == row.pointofsale.province_id
        assert row.product.status == "certified"
    # Listings: products in force, on their platform's host, once per address.
    listings = Listing.objects.select_related("product")
    assert listings.exists()
    assert listings.filter(link_state=LinkState.DEAD).exists()
    for listing in listings:
        assert listing.product.status == "certified"
        hosts = PLATFORM_HOSTS.get(listing.platform)
        if hosts:
            assert listing.url.split("/")[2] in hosts
    # The sequences follow the loaded keys: the application can add rows.
    point = points.first()
    PointOfSale.objects.create(
        name="Điểm mới", kind="shop", commune=point.commune, since=TODAY
    ).products.add(carried.first().product)
