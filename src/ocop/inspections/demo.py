"""Demo data (``manage.py load_demo``): the province's inspection plan for
this year (candidates proposed by the rules, seed 2026), submitted by the
inspector and approved by the provincial officer, and one visit assigned to
the inspector two days from ``ctx.today`` (the last day of the year at the
latest) — once the inspection data is loaded (``manage.py
load_inspection_data``). Reads ``ctx.province`` and ``ctx.stamp``; sets
``ctx.visit`` (None without rules or candidates). Idempotent."""

from datetime import date, timedelta

from ocop.accounts.models import User

from .domain.plans import assign_visit, create_plan, rules_for_year, set_plan_state
from .enums import PlanState
from .models import InspectionPlan, Visit

INSPECTOR = "thanhtra"
OFFICER = "tinh.canbo"
SEED = 2026


def load(*, ctx) -> None:
    ctx.visit = None
    year = ctx.today.year
    if rules_for_year(year) is None:
        ctx.notes.append("Inspections: no plan rules loaded (manage.py load_inspection_data).")
        return
    inspector = User.objects.get(username=INSPECTOR)
    officer = User.objects.get(username=OFFICER)
    plan = InspectionPlan.objects.filter(province=ctx.province, year=year).first()
    if plan is None:
        plan = create_plan(
            province=ctx.province, year=year, by=inspector, seed=SEED, today=ctx.today
        )
    if not plan.candidates.exists():
        return
    if plan.state in (PlanState.DRAFT, PlanState.RETURNED):
        plan = set_plan_state(plan=plan, action="submit", by=inspector)
    if plan.state == PlanState.SUBMITTED:
        plan = set_plan_state(plan=plan, action="approve", by=officer)
    ctx.visit = Visit.objects.filter(plan=plan).order_by("pk").first()
    if ctx.visit is None:
        stamped = getattr(ctx, "stamp", None)
        candidate = (
            plan.candidates.filter(product_id=stamped.batch.product_id).first()
            if stamped is not None
            else None
        ) or plan.candidates.order_by("pk").first()
        on = min(ctx.today + timedelta(days=2), date(year, 12, 31))
        ctx.visit = assign_visit(
            plan=plan, product=candidate.product, inspector=inspector, on=on, by=officer
        )
    ctx.notes.append(
        f"Inspection plan {year}: {plan.candidates.count()} candidates; "
        f"visit of {ctx.visit.product.name} on {ctx.visit.scheduled_on.isoformat()} "
        f"(login {INSPECTOR})"
    )
