"""An inspector edits a draft inspection plan on a 360×740 phone: removes a
proposed product with a reason, runs the selection rules again (the removed
product stays out, nothing is duplicated), and the page passes axe."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from ocop.core.models import ActivityLog
from ocop.inspections.domain import plans
from ocop.inspections.models import Candidate, Visit
from tests.e2e.helpers import PHONE, axe_violations, log_in, new_page, vi

pytestmark = pytest.mark.e2e


def test_inspector_removes_a_candidate_and_reruns_the_rules(
    live_server, demo_data, browser, contexts
):
    errors: list[str] = []
    inspector = get_user_model().objects.get(username="thanhtra")
    province = Visit.objects.get().province
    plan = plans.create_plan(
        province=province, year=timezone.localdate().year + 1, by=inspector, seed=11
    )
    candidate = plans.active_candidates(plan).select_related("product").first()
    before = plans.active_candidates(plan).count()

    phone = new_page(browser, contexts, errors, **PHONE)
    log_in(phone, live_server.url, "thanhtra")
    phone.goto(f"{live_server.url}/inspections/plans/{plan.pk}/")
    form = phone.locator("#candidate-remove")
    form.get_by_label(vi("Product to remove")).select_option(str(candidate.pk))
    form.get_by_label(vi("Why is it removed?")).fill("Đã kiểm tra đột xuất tháng trước")
    form.get_by_role("button", name=vi("Remove")).click()
    expect(phone.locator("#removed-candidates")).to_contain_text("Đã kiểm tra đột xuất tháng trước")
    phone.get_by_role("button", name=vi("Run the selection rules again")).click()
    expect(phone.locator(".alert-success")).to_contain_text("vẫn để ngoài")
    expect(phone.locator("#removed-candidates")).to_contain_text(candidate.product.name)
    expect(phone.locator(f"#candidates tr[data-product='{candidate.product_id}']")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(phone) == []
    assert plans.active_candidates(plan).count() == before - 1
    assert Candidate.objects.filter(plan=plan, product=candidate.product).count() == 1
    assert ActivityLog.objects.filter(action="ocop.inspection_plan.candidate_removed").count() == 1
    assert ActivityLog.objects.filter(action="ocop.inspection_plan.reproposed").count() == 1
    assert errors == []
