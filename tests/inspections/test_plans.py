"""Inspection plans: each selection rule picks exactly the expected products on
crafted data, the random share is reproducible from the recorded seed, manual
additions, the province's approval through the workflow, visits assigned to
inspectors, and scoping (another province's inspector gets 404)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.inspections.domain import plans
from ocop.inspections.enums import ComplaintState, PlanRuleCode, PlanState, VisitState
from ocop.inspections.models import Candidate, Complaint, PlanRuleSet, Visit
from ocop.stamps.enums import RequestState
from ocop.stamps.models import StampBatch
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.stamps import certify
from tests.verify.conftest import make_batch, make_stamp

pytestmark = pytest.mark.django_db
R = PlanRuleCode


@pytest.fixture
def inspector():
    return user_with_role(Role.INSPECTOR, unit=province("38"), username="hk.th")


@pytest.fixture
def world(province_officer):
    """Thanh Hóa products, each made to fit one rule, and one of Hà Nội."""
    today = timezone.localdate()
    commune = communes("38", 1)[0]
    subject = SubjectFactory(commune=commune)

    def product(name, **fields):
        return ProductFactory(subject=subject, name=name, **fields)

    p = {
        "expiring": product("Sắp hết hạn"),
        "complaint": product("Có khiếu nại"),
        "flagged": product("Tem bị gắn cờ"),
        "capacity": product("Tem vượt công suất", annual_capacity=100),
        "within": product("Tem trong công suất", annual_capacity=1000),
        "inspected": product("Đã kiểm tra"),
        "uncertified": product("Chưa công nhận"),
    }
    certify(p["expiring"], valid_until=today + timedelta(days=60))
    for key in ("complaint", "flagged", "capacity", "within", "inspected"):
        certify(p[key], valid_until=today + timedelta(days=900))
    Complaint.objects.create(
        product=p["complaint"], province=p["complaint"].province, message="x" * 20
    )
    Complaint.objects.create(
        product=p["inspected"],
        province=p["inspected"].province,
        message="đã xử lý xong",
        state=ComplaintState.CLOSED,
    )
    stamp = make_stamp(make_batch(p["flagged"], by=province_officer))
    stamp.flagged_at = timezone.now()
    stamp.save()
    make_batch(p["capacity"], by=province_officer, quantity=151)  # > 1.5 × 100
    make_batch(p["within"], by=province_officer, quantity=1500)  # = 1.5 × 1000: not beyond
    old = make_batch(p["within"], by=province_officer, quantity=5000)
    StampBatch.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=400))
    StampBatch.objects.create(
        product=p["within"],
        quantity=9000,
        requested_by=province_officer,
        state=RequestState.REQUESTED,
    )
    hanoi = ProductFactory(subject=SubjectFactory(commune=communes("01", 1)[0]))
    certify(hanoi, valid_until=today + timedelta(days=30))
    p["hanoi"] = hanoi
    return p


def _closed_visit(product, inspector, plan):
    return Visit.objects.create(
        plan=plan,
        product=product,
        province=product.province,
        inspector=inspector,
        scheduled_on=timezone.localdate(),
        checklist=plans.checklist_on(timezone.localdate()),
        state=VisitState.CLOSED,
    )


def test_each_rule_picks_exactly_the_expected_products(world, inspector):
    th = province("38")
    rules = PlanRuleSet.objects.get(code="hk-2026")
    today = timezone.localdate()
    previous = plans.create_plan(province=th, year=today.year - 1, by=inspector, seed=1)
    _closed_visit(world["inspected"], inspector, previous)
    picked = plans.propose(province=th, rules=rules, seed=7, today=today)

    def by(rule):
        return {pk for pk, codes in picked.items() if rule in codes}

    ids = {k: v.pk for k, v in world.items()}
    assert by(R.EXPIRING) == {ids["expiring"]}
    assert by(R.COMPLAINT) == {ids["complaint"]}
    assert by(R.FLAGGED) == {ids["flagged"]}
    assert by(R.CAPACITY) == {ids["capacity"]}
    assert by(R.NEVER) == {
        ids[k] for k in ("expiring", "complaint", "flagged", "capacity", "within")
    }
    # The only certified product no other rule picked: 10 % of one rounds up to it.
    assert by(R.RANDOM) == {ids["inspected"]}
    assert ids["uncertified"] not in picked
    assert ids["hanoi"] not in picked


def test_the_random_share_is_reproducible_from_the_seed(province_officer, inspector):
    th = province("38")
    subject = SubjectFactory(commune=communes("38", 1)[0])
    today = timezone.localdate()
    products = [ProductFactory(subject=subject) for _ in range(20)]
    for product in products:
        certify(product, valid_until=today + timedelta(days=900))
    rules = PlanRuleSet.objects.get(code="hk-2026")
    plan = plans.create_plan(province=th, year=today.year - 1, by=inspector, seed=3)
    for product in products:
        _closed_visit(product, inspector, plan)  # every one inspected: only the draw picks

    def draw(seed):
        picked = plans.propose(province=th, rules=rules, seed=seed, today=today)
        return sorted(pk for pk, codes in picked.items() if R.RANDOM in codes)

    assert len(draw(42)) == 2  # 10 % of 20
    assert draw(42) == draw(42)
    assert {tuple(draw(s)) for s in range(10)} != {tuple(draw(42))}


def test_plan_records_rules_and_seed_and_goes_through_the_workflow(
    world, inspector, province_officer
):
    th = province("38")
    year = timezone.localdate().year
    plan = plans.create_plan(province=th, year=year, by=inspector, seed=11)
    assert plan.seed == 11
    assert plan.rules.code == "hk-2026"
    rows = {c.product_id: c.rules for c in Candidate.objects.filter(plan=plan)}
    assert rows[world["expiring"].pk] == [R.EXPIRING, R.NEVER]
    entry = ActivityLog.objects.get(action="ocop.inspection_plan.created")
    assert entry.data["seed"] == 11

    with pytest.raises(ValidationError):
        plans.create_plan(province=th, year=year, by=inspector)
    with pytest.raises(ValidationError) as error:
        plans.add_candidate(plan=plan, product=world["uncertified"], reason="  ", by=inspector)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        plans.add_candidate(plan=plan, product=world["hanoi"], reason="x", by=inspector)
    added = plans.add_candidate(
        plan=plan, product=world["uncertified"], reason="Bán có logo OCOP", by=inspector
    )
    assert added.rules == [R.MANUAL]

    plan = plans.set_plan_state(plan=plan, action="submit", by=inspector)
    with pytest.raises(PermissionDenied):  # an inspector does not approve
        plans.set_plan_state(plan=plan, action="approve", by=inspector)
    with pytest.raises(ValidationError):
        plans.set_plan_state(plan=plan, action="return", by=province_officer)  # no reason
    plan = plans.set_plan_state(
        plan=plan, action="return", by=province_officer, reason="Thêm sản phẩm huyện X"
    )
    assert plan.state == PlanState.RETURNED
    assert plan.return_reason == "Thêm sản phẩm huyện X"
    plan = plans.set_plan_state(plan=plan, action="submit", by=inspector)
    with pytest.raises(ValidationError):  # editing is closed once submitted
        plans.add_candidate(plan=plan, product=world["within"], reason="x", by=inspector)
    plan = plans.set_plan_state(plan=plan, action="approve", by=province_officer)
    assert plan.state == PlanState.APPROVED
    assert plan.approved_by == province_officer
    logged = list(
        ActivityLog.objects.filter(action__startswith="ocop.inspection_plan.").values_list(
            "action", flat=True
        )
    )
    assert "ocop.inspection_plan.approved" in logged
    assert "ocop.inspection_plan.returned" in logged

    hanoi_inspector = user_with_role(Role.INSPECTOR, unit=province("01"))
    day = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        plans.assign_visit(
            plan=plan,
            product=world["expiring"],
            inspector=hanoi_inspector,
            on=day,
            by=province_officer,
        )
    assert "inspector" in error.value.message_dict
    visit = plans.assign_visit(
        plan=plan, product=world["expiring"], inspector=inspector, on=day, by=province_officer
    )
    assert visit.checklist.code == "hau-kiem"
    assert visit.province == th
    with pytest.raises(ValidationError):
        plans.assign_visit(
            plan=plan, product=world["expiring"], inspector=inspector, on=day, by=province_officer
        )


def test_pages_are_scoped_by_province(client, world, inspector, province_officer):
    th = province("38")
    plan = plans.create_plan(province=th, year=timezone.localdate().year, by=inspector, seed=5)
    client.force_login(inspector)
    page = client.get(f"/inspections/plans/{plan.pk}/")
    assert page.status_code == 200
    assert world["expiring"].name in page.content.decode()
    other = user_with_role(Role.INSPECTOR, unit=province("01"))
    client.force_login(other)
    assert client.get(f"/inspections/plans/{plan.pk}/").status_code == 404
    assert (
        client.post(f"/inspections/plans/{plan.pk}/act/", {"action": "submit"}).status_code == 404
    )
    producer = user_with_role(Role.PRODUCER, subject=world["expiring"].subject)
    client.force_login(producer)
    assert client.get("/inspections/plans/").status_code == 403


def test_plan_pages_create_and_approve(client, world, inspector, province_officer):
    client.force_login(inspector)
    year = timezone.localdate().year
    response = client.post("/inspections/plans/new/", {"province": province("38").pk, "year": year})
    assert response.status_code == 302
    plan = plans.InspectionPlan.objects.get(year=year)
    response = client.post(f"/inspections/plans/{plan.pk}/act/", {"action": "submit"})
    assert response.status_code == 302
    client.force_login(province_officer)
    response = client.post(f"/inspections/plans/{plan.pk}/act/", {"action": "return"})
    assert response.status_code == 400
    assert "Nêu lý do trả lại kế hoạch." in response.content.decode()
    response = client.post(f"/inspections/plans/{plan.pk}/act/", {"action": "approve"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
