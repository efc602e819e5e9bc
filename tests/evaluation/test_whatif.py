"""What-if of a rule change: the expected number of results changes star,
nothing stored changes (compared byte for byte), and the page is the
central office's."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import serializers
from django.urls import reverse

from ocop.accounts.enums import Role
from ocop.criteria import engine
from ocop.criteria.models import LegalBasis
from ocop.criteria.whatif import Scenario
from ocop.evaluation.domain import whatif
from ocop.evaluation.models import AgendaItem, CriterionScore, RoundResult, Scoresheet
from tests.factories.accounts import user_with_role
from tests.factories.certification import BEST, FOUR_STARS, THREE_STARS, closed_session
from tests.factories.registry import ProductFactory

pytestmark = pytest.mark.django_db

PERIOD = whatif.Period(start=date(2025, 1, 1), end=date(2025, 12, 31))


def bands(*minimums) -> tuple[engine.Band, ...]:
    """Bands from the minimum of 1★ … 5★."""
    return tuple(
        engine.Band(
            star=i + 1,
            min_score=Decimal(low),
            max_score=Decimal(minimums[i + 1]) if i < 4 else None,
        )
        for i, low in enumerate(minimums)
    )


def stored() -> str:
    """Every stored result, round, sheet and answer, serialised."""
    rows = []
    for model in (AgendaItem, RoundResult, Scoresheet, CriterionScore):
        rows.append(serializers.serialize("json", model.objects.order_by("pk")))
    return "\n".join(rows)


@pytest.fixture
def results(subject_x, province_officer):
    """Three products scored by a council of Thanh Hóa: 87 points (4★),
    100 points (5★) and 64 points with a 4★ condition unmet (3★)."""
    four, five, three = (ProductFactory(subject=subject_x) for _ in range(3))
    session = closed_session(
        officer=province_officer,
        products=[four, five, three],
        results={four.pk: FOUR_STARS, five.pk: BEST, three.pk: THREE_STARS},
    )
    items = {i.product_id: i for i in session.items.all()}
    assert [items[p.pk].star for p in (four, five, three)] == [4, 5, 3]
    return items[four.pk], items[five.pk], items[three.pk]


def test_the_stored_rules_change_nothing(results):
    basis = LegalBasis.objects.get(code="1048/QĐ-TTg")
    report = whatif.run(PERIOD, whatif.scenario_from_basis(basis))
    assert (report.results, report.changed, report.totals_only) == (3, 0, 0)


def test_raising_the_4_star_band_moves_the_87_point_result_only(results):
    four, _five, _three = results
    before = stored()
    report = whatif.run(PERIOD, Scenario(bands=bands(0, 30, 50, 88, 90)))
    assert (report.results, report.changed, report.up, report.down) == (3, 1, 0, 1)
    assert report.moves == {(4, 3): 1}
    assert [r.key for r, _ranking in report.examples] == [four.pk]
    [group] = report.rows()
    assert (group.province, group.results, group.changed) == ("Thanh Hóa", 3, 1)
    assert stored() == before


def test_a_lower_band_meets_the_unmet_condition_unless_it_is_dropped(results):
    _four, _five, three = results
    lower = bands(0, 30, 50, 60, 90)
    # 64 points reach the 4★ band, but its mandatory condition is unmet: still 3★.
    assert whatif.run(PERIOD, Scenario(bands=lower)).changed == 0
    dropped = whatif.run(PERIOD, Scenario(bands=lower, dropped_levels=frozenset({4})))
    assert dropped.moves == {(3, 4): 1}
    moved = {c["code"]: None for c in three.unmet_conditions}
    assert whatif.run(PERIOD, Scenario(bands=lower, condition_stars=moved)).moves == {(3, 4): 1}
    # Raising the lowest recognised star to 4 takes the 3★ result's recognition.
    stricter = whatif.run(PERIOD, Scenario(bands=bands(0, 30, 50, 70, 90), min_recognised_star=4))
    assert (stricter.changed, stricter.lost_recognition) == (0, 1)


def test_results_with_totals_only_use_the_stored_mean_and_conditions(results):
    four, _five, three = results
    CriterionScore.objects.filter(scoresheet__item__in=[four, three]).delete()
    lower = bands(0, 30, 50, 60, 88)
    report = whatif.run(PERIOD, Scenario(bands=lower, dropped_levels=frozenset({4})))
    assert report.totals_only == 2
    # 87 ≥ 60 stays 4★ (5★ needs 88); 64 now reaches 4★ with its 4★ condition dropped.
    assert report.moves == {(3, 4): 1}


def test_the_page_is_the_central_offices_and_changes_nothing(client, results, province_officer):
    url = reverse("evaluation:what_if")
    client.force_login(province_officer)
    assert client.get(url).status_code == 403
    central = user_with_role(Role.CENTRAL_OFFICER, username="tw.whatif")
    client.force_login(central)
    page = client.get(url).content.decode()
    assert 'id="what-if-form"' in page
    assert 'id="what-if-report"' not in page
    before = stored()
    query = {
        "run": "1",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "rules_of": LegalBasis.objects.get(code="148/QĐ-TTg").pk,
        "band_1": "0",
        "band_2": "30",
        "band_3": "50",
        "band_4": "88",
        "band_5": "90",
        "min_recognised_star": "3",
    }
    page = client.get(url, query).content.decode()
    assert 'id="what-if-changed">1<' in page
    assert stored() == before
    bad = client.get(url, {**query, "band_4": "20", "condition_stars": "6.7"}).content.decode()
    assert "Mỗi hạng sao phải bắt đầu từ số điểm cao hơn hạng sao liền dưới" in bad
    assert "Dòng 1: ghi mã điều kiện" in bad
    assert 'id="what-if-report"' not in bad
