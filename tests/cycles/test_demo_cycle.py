import pytest
from django.core.management import call_command

from ocop.cycles.models import Cycle, EvaluationRound, Phase

pytestmark = pytest.mark.django_db


def test_demo_has_the_2026_cycle_once():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    cycle = Cycle.objects.get(year=2026, province__code="38")
    assert Phase.objects.filter(cycle=cycle).count() == 6
    assert list(EvaluationRound.objects.filter(cycle=cycle).values_list("number", flat=True)) == [
        1,
        2,
    ]
    assert Cycle.objects.count() == 1
