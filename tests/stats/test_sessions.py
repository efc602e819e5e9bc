"""Sessions and results: a closed session of Thanh Hóa's council with its
results, the figure linked to the sessions list with the same count."""

from datetime import date

import pytest

from ocop.evaluation.enums import SessionState
from ocop.stats import domain as stats
from tests.factories.certification import THREE_STARS, closed_session
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def test_sessions_and_results(client, province_officer, product_x, product_y):
    closed_session(
        officer=province_officer,
        products=[product_x, product_y],
        results={product_y.pk: THREE_STARS},
        day=date(2025, 9, 15),
    )
    thanh_hoa = province("38")
    figures = stats.sessions_and_results(
        unit=thanh_hoa, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    assert figures.total.value == 1
    assert figures.state[SessionState.CLOSED].value == 1
    assert figures.results == {4: 1, 3: 1}
    assert (
        stats.sessions_and_results(
            unit=province("01"), start=date(2025, 1, 1), end=date(2025, 12, 31)
        ).total.value
        == 0
    )
    assert (
        stats.sessions_and_results(start=date(2026, 1, 1), end=date(2026, 12, 31)).total.value == 0
    )
    client.force_login(province_officer)
    for figure in [figures.total, *figures.state.values()]:
        response = client.get(figure.url)
        assert response.context["page"].paginator.count == figure.value, figure.url
    with pytest.raises(ValueError, match="province"):
        stats.sessions_and_results(
            unit=product_x.commune, start=date(2025, 1, 1), end=date(2025, 12, 31)
        )
