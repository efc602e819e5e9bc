"""A province and the centre on two databases (the test database and a
second one driven through ``manage.py``, see ``centre.py``): the province
certifies, revokes and edits; after each of three exchanges the centre holds
exactly the province's records; a tampered package is refused and changes
nothing; a replayed package changes nothing; the centre's counts include the
province. Runs on SQLite and on PostgreSQL."""

import base64
import json
import secrets
from datetime import date

import pytest

from ocop.certification.domain.certificates import revoke
from ocop.certification.models import Certificate, RevocationGround
from ocop.exchange.domain.export import export_package, last_export_time
from ocop.exchange.domain.package import canonical
from ocop.exchange.domain.state import province_state
from ocop.producers.domain.subjects import update_subject
from ocop.products.domain.products import update_product
from ocop.stats import domain as stats
from tests.factories.certification import closed_session, issued_decision
from tests.factories.geo import province

from .centre import copy_sqlite, open_centre

pytestmark = pytest.mark.django_db(transaction=False)

KEY = base64.b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker, tmp_path_factory):
    """On SQLite, the centre's starting database: a copy of the test database
    made before any test writes into it."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("centre") / "seed.sqlite3"
    with django_db_blocker.unblock():
        copy_sqlite(path)
    return path


def _state_of_province(unit) -> dict:
    return json.loads(canonical(province_state(province=unit)))


def _exchange(centre, tmp_path, name, unit, *, since):
    raw = export_package(province=unit, since=since)
    path = tmp_path / name
    path.write_bytes(raw)
    result = centre.manage("import_exchange", str(path), "--user", "centre")
    return path, json.loads(result.stdout)


def _centre_state(centre) -> dict:
    return json.loads(centre.manage("exchange_state", "--province", "38").stdout)


def test_three_exchanges_bring_the_centre_to_the_provinces_state(
    seed, tmp_path, settings, province_officer, subject_x, product_x, product_y
):
    settings.OCOP_EXCHANGE_KEY = KEY
    thanh_hoa = province("38")
    with open_centre(tmp_path, keys=f"38={KEY}", seed=seed) as centre:
        centre.python(
            "from ocop.accounts.models import User; User.objects.create(username='centre')"
        )

        # 1. The province certifies two products.
        session = closed_session(officer=province_officer, products=[product_x, product_y])
        issued_decision(session=session, by=province_officer, day=date(2026, 1, 5))
        first, outcome = _exchange(centre, tmp_path, "1.json", thanh_hoa, since=None)
        assert outcome["conflicts"] == []
        assert outcome["outcome"]["certificates"] == {"created": 2}
        assert _centre_state(centre) == _state_of_province(thanh_hoa)

        # 2. It revokes one certificate.
        revoke(
            certificate=Certificate.objects.get(product=product_x),
            ground=RevocationGround.objects.order_by("order").first(),
            decision_number="45/QĐ-UBND",
            decision_date=date(2026, 6, 1),
            by=province_officer,
        )
        _path, outcome = _exchange(
            centre, tmp_path, "2.json", thanh_hoa, since=last_export_time(province=thanh_hoa)
        )
        assert outcome["outcome"]["revocations"] == {"created": 1}
        assert outcome["outcome"]["certificates"] == {"updated": 1}
        assert _centre_state(centre) == _state_of_province(thanh_hoa)

        # 3. It edits a product and a subject.
        update_product(
            by=province_officer,
            product=product_y,
            data={"name": "Mật ong hoa nhãn Làng Y loại 1", "gtin": "8934567890120"},
        )
        update_subject(by=province_officer, subject=subject_x, data={"address": "Thôn 3"})
        third, outcome = _exchange(
            centre, tmp_path, "3.json", thanh_hoa, since=last_export_time(province=thanh_hoa)
        )
        assert outcome["outcome"]["products"]["updated"] >= 1
        expected = _state_of_province(thanh_hoa)
        assert _centre_state(centre) == expected
        assert expected["products"][f"P{product_y.pk}"]["name"] == "Mật ong hoa nhãn Làng Y loại 1"

        # A tampered package is refused before anything is applied.
        document = json.loads(third.read_bytes())
        document["data"]["products"][0]["name"] = "Sản phẩm giả"
        tampered = tmp_path / "tampered.json"
        tampered.write_text(json.dumps(document, ensure_ascii=False))
        result = centre.manage("import_exchange", str(tampered), "--user", "centre", check=False)
        assert result.returncode != 0
        assert "SHA-256" in result.stderr
        # … and so is one re-signed with another key.
        document = json.loads(third.read_bytes())
        document["manifest"]["signature"]["value"] = "0" * 64
        tampered.write_text(json.dumps(document, ensure_ascii=False))
        result = centre.manage("import_exchange", str(tampered), "--user", "centre", check=False)
        assert result.returncode != 0
        assert "chữ ký" in result.stderr
        assert _centre_state(centre) == expected

        # A replay of the first package changes nothing.
        result = centre.manage("import_exchange", str(first), "--user", "centre")
        outcome = json.loads(result.stdout)["outcome"]
        assert all(set(counts) <= {"unchanged", "older"} for counts in outcome.values()), outcome
        assert _centre_state(centre) == expected

        # The centre's statistics (the layer every dashboard reads) include the province.
        figures = centre.python(
            "from ocop.stats import domain as s; from ocop.geo.domain.queries import "
            "current_provinces as p; u = p().get(code='38'); "
            "print(s.certified_products(unit=u).total.value, "
            "s.certified_products(by=('province',)).cell(u.pk).value)"
        )
        here = stats.certified_products(unit=thanh_hoa).total.value
        assert here == 1  # product Y; product X's certificate was revoked
        assert figures.split() == [str(here), str(here)]
        codes = centre.python(
            "from ocop.products.models import Product; "
            "print(sorted(Product.objects.filter(province__code='38')"
            ".values_list('national_code', flat=True)))"
        )
        product_x.refresh_from_db()
        assert product_x.national_code
        assert product_x.national_code in codes
