"""Candidates of a draft plan: an officer removes one with a reason (logged,
kept with who and why); running the rules again adds what is new, duplicates
nothing and does not bring back a removed product; adding it by hand does.
A product the rules no longer pick is set aside and comes back when picked
again."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.inspections.domain import plans
from ocop.inspections.enums import ComplaintState, PlanRuleCode
from ocop.inspections.models import Candidate, Complaint
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.factories.registry import ProductFactory
from tests.factories.stamps import certify
from tests.inspections.test_plans import inspector, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
R = PlanRuleCode


def active(plan):
    return dict(plans.active_candidates(plan).values_list("product_id", "rules"))


def test_remove_rerun_and_re_add(world, inspector):  # noqa: F811
    th = province("38")
    plan = plans.create_plan(province=th, year=timezone.localdate().year, by=inspector, seed=7)
    ids = {k: v.pk for k, v in world.items()}
    before = active(plan)
    assert ids["complaint"] in before
    candidate = plan.candidates.get(product_id=ids["complaint"])

    with pytest.raises(ValidationError) as error:
        plans.remove_candidate(plan=plan, candidate=candidate, reason=" ", by=inspector)
    assert "reason" in error.value.message_dict
    plans.remove_candidate(
        plan=plan, candidate=candidate, reason="Đã kiểm tra tháng trước", by=inspector
    )
    assert ids["complaint"] not in active(plan)
    entry = ActivityLog.objects.get(action="ocop.inspection_plan.candidate_removed")
    assert entry.data["product"] == ids["complaint"]
    assert entry.data["reason"] == "Đã kiểm tra tháng trước"
    with pytest.raises(ValidationError):
        plans.remove_candidate(plan=plan, candidate=candidate, reason="lần nữa", by=inspector)

    # New data: a newly certified product; the rules run again.
    new = ProductFactory(subject=world["expiring"].subject, name="Mới công nhận")
    certify(new, valid_until=timezone.localdate() + timedelta(days=900))
    result = plans.repropose(plan=plan, by=inspector)
    assert new.pk in result["added"]
    assert result["kept_out"] == [ids["complaint"]]
    after = active(plan)
    assert ids["complaint"] not in after  # not resurrected
    assert new.pk in after
    assert Candidate.objects.filter(plan=plan).count() == len(after) + 1  # no duplicate
    plans.repropose(plan=plan, by=inspector)  # a second run changes nothing
    assert active(plan) == after
    assert ActivityLog.objects.filter(action="ocop.inspection_plan.reproposed").count() == 2

    # Only an explicit addition by hand brings it back.
    plans.add_candidate(plan=plan, product=world["complaint"], reason="Khiếu nại mới", by=inspector)
    back = plan.candidates.get(product_id=ids["complaint"])
    assert back.removed_at is None
    assert back.removal_reason == ""
    assert R.MANUAL in back.rules
    assert R.COMPLAINT in back.rules
    added = ActivityLog.objects.filter(action="ocop.inspection_plan.candidate_added").last()
    assert added.data["re_added"] is True


def test_a_product_no_longer_picked_is_set_aside_and_may_come_back(world, inspector):  # noqa: F811
    th = province("38")
    plan = plans.create_plan(province=th, year=timezone.localdate().year, by=inspector, seed=7)
    complaint = Complaint.objects.get(product=world["complaint"])
    # Certified and never inspected, it stays (rule "never") but loses "complaint".
    Complaint.objects.filter(pk=complaint.pk).update(state=ComplaintState.CLOSED)
    result = plans.repropose(plan=plan, by=inspector)
    assert world["complaint"].pk in result["updated"]
    assert R.COMPLAINT not in active(plan)[world["complaint"].pk]
    # The uncertified product with an open complaint: picked, then no longer.
    Complaint.objects.create(
        product=world["uncertified"], province=world["uncertified"].province, message="y" * 20
    )
    plans.repropose(plan=plan, by=inspector)
    assert active(plan)[world["uncertified"].pk] == [R.COMPLAINT]
    Complaint.objects.filter(product=world["uncertified"]).update(state=ComplaintState.CLOSED)
    result = plans.repropose(plan=plan, by=inspector)
    assert result["set_aside"] == [world["uncertified"].pk]
    aside = plan.candidates.get(product=world["uncertified"])
    assert aside.removed_by is None
    assert aside.removal_reason
    Complaint.objects.filter(product=world["uncertified"]).update(state=ComplaintState.NEW)
    result = plans.repropose(plan=plan, by=inspector)
    assert world["uncertified"].pk in result["updated"]
    assert world["uncertified"].pk in active(plan)


def test_only_draft_plans_of_a_preparer_change(world, inspector, province_officer):  # noqa: F811
    th = province("38")
    plan = plans.create_plan(province=th, year=timezone.localdate().year, by=inspector, seed=7)
    candidate = plans.active_candidates(plan).first()
    other = user_with_role(Role.INSPECTOR, unit=province("01"))
    with pytest.raises(PermissionDenied):
        plans.remove_candidate(plan=plan, candidate=candidate, reason="x", by=other)
    with pytest.raises(PermissionDenied):
        plans.repropose(plan=plan, by=other)
    plans.set_plan_state(plan=plan, action="submit", by=inspector)
    with pytest.raises(ValidationError):
        plans.remove_candidate(plan=plan, candidate=candidate, reason="x", by=inspector)
    with pytest.raises(ValidationError):
        plans.repropose(plan=plan, by=inspector)


def test_plan_page_removes_and_reruns(client, world, inspector):  # noqa: F811
    th = province("38")
    plan = plans.create_plan(province=th, year=timezone.localdate().year, by=inspector, seed=7)
    candidate = plans.active_candidates(plan).get(product=world["expiring"])
    client.force_login(inspector)
    page = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert 'id="candidate-remove"' in page
    assert 'id="plan-repropose"' in page
    response = client.post(
        f"/inspections/plans/{plan.pk}/remove/",
        {"remove-candidate": candidate.pk, "remove-reason": ""},
    )
    assert response.status_code == 400
    assert "bắt buộc" in response.content.decode()
    response = client.post(
        f"/inspections/plans/{plan.pk}/remove/",
        {"remove-candidate": candidate.pk, "remove-reason": "Đã kiểm tra đột xuất"},
    )
    assert response.status_code == 302
    response = client.post(f"/inspections/plans/{plan.pk}/repropose/", follow=True)
    text = response.content.decode()
    assert 'id="removed-candidates"' in text
    assert "Đã kiểm tra đột xuất" in text
    assert world["expiring"].pk not in active(plan)
    # A removed candidate cannot be assigned once the plan is approved.
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=th)
    plans.set_plan_state(plan=plan, action="submit", by=inspector)
    plans.set_plan_state(plan=plan, action="approve", by=officer)
    with pytest.raises(ValidationError) as error:
        plans.assign_visit(
            plan=plan,
            product=world["expiring"],
            inspector=inspector,
            on=timezone.localdate(),
            by=officer,
        )
    assert "product" in error.value.message_dict
