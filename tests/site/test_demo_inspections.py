"""The inspections part of the demo: an approved plan of this year with its
candidates and a visit assigned to the demo inspector; a second run changes
nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ocop.inspections.enums import PlanState, VisitState
from ocop.inspections.models import Candidate, InspectionPlan, Visit

pytestmark = pytest.mark.django_db


def test_demo_plan_and_visit(client, settings):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    plan = InspectionPlan.objects.get()
    assert plan.year == timezone.localdate().year
    assert plan.state == PlanState.APPROVED
    assert plan.seed == 2026
    visit = Visit.objects.get()
    assert visit.state == VisitState.PLANNED
    assert visit.inspector.username == "thanhtra"
    assert visit.scheduled_on >= timezone.localdate() or visit.scheduled_on.month == 12
    assert "Inspection plan" in out.getvalue()
    counts = (Candidate.objects.count(), Visit.objects.count())
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    assert (Candidate.objects.count(), Visit.objects.count()) == counts
    assert client.login(username="thanhtra", password=settings.OCOP_DEMO_PASSWORD)
    page = client.get(f"/inspections/visits/{visit.pk}/")
    assert page.status_code == 200
    assert visit.product.name in page.content.decode()
