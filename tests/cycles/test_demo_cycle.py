import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.cycles.models import Cycle, EvaluationRound, Phase

pytestmark = pytest.mark.django_db


def test_demo_has_this_years_cycle_once_with_a_closed_and_an_open_round():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    today = timezone.localdate()
    cycle = Cycle.objects.get(year=today.year, province__code="38")
    assert Phase.objects.filter(cycle=cycle).count() == 6
    rounds = EvaluationRound.objects.filter(cycle=cycle).order_by("number")
    assert [(r.number, r.submission_deadline < today) for r in rounds] == [(1, True), (2, False)]
    assert Cycle.objects.count() == 1
