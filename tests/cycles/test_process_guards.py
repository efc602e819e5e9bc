"""The process cannot be bypassed by accident (issue 18, point 4): a product
reaches an agenda only through a pre-checked dossier or a recorded exception;
its OCOP status follows the dossier; a late dossier is refused or marked as
the cycle says."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ocop.core.models import ActivityLog
from ocop.cycles.domain import dossiers as dossier_domain
from ocop.cycles.domain.workflow import set_dossier_state
from ocop.cycles.enums import DossierState, LateSubmission
from ocop.cycles.forms import DossierCreateForm
from ocop.cycles.models import Cycle, Dossier, EvaluationRound
from ocop.evaluation.domain import sessions
from ocop.evaluation.domain.documents import render_minutes
from ocop.evaluation.models import Scoresheet
from ocop.products.enums import OcopStatus
from ocop.products.models import Product, ProductCategory
from tests.factories.cycles import commune_checked
from tests.factories.evaluation import council_with_members, fill, pick_worst
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def status_of(product) -> str:
    return Product.objects.get(pk=product.pk).status


def prechecked(dossier, producer, officer, advisory):
    set_dossier_state(dossier=dossier, action="submit", by=producer)
    commune_checked(dossier, officer)
    set_dossier_state(dossier=dossier, action="forward", by=officer)
    return set_dossier_state(dossier=dossier, action="precheck", by=advisory)


@pytest.fixture
def planned(province_officer):
    council, members = council_with_members(officer=province_officer, members=3)
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên 1", date=timezone.localdate()
    )
    session.members = members
    return session


# The agenda -----------------------------------------------------------------------


def test_a_product_without_a_prechecked_dossier_is_not_put_on_the_agenda(
    planned, product_x, province_officer
):
    with pytest.raises(ValidationError) as error:
        sessions.add_item(session=planned, product=product_x, by=province_officer)
    assert "tiền kiểm" in error.value.messages[0]
    assert not planned.items.exists()


def test_the_session_page_adds_a_product_only_with_the_reason_of_the_exception(
    client, planned, product_x, province_officer
):
    product_x.category = ProductCategory.objects.get(code="I.4.a")
    product_x.save()
    client.force_login(province_officer)
    url = reverse("evaluation:item_add", args=[planned.pk])
    page = client.post(url, {"product": product_x.pk}, follow=True)
    assert "tiền kiểm" in page.content.decode()
    assert not planned.items.exists()
    client.post(url, {"product": product_x.pk, "exception_reason": "Đánh giá lại hồ sơ giấy 2019"})
    item = planned.items.get()
    assert item.admission_exception == "Đánh giá lại hồ sơ giấy 2019"
    assert item.exception_by == province_officer
    entry = ActivityLog.objects.get(action="ocop.session.item_exception")
    assert entry.data["exception"] == "Đánh giá lại hồ sơ giấy 2019"
    page = client.get(reverse("evaluation:session", args=[planned.pk])).content.decode()
    assert "Đánh giá lại hồ sơ giấy 2019" in page
    text = pdf_text(render_minutes(session=planned))
    assert "ngoại lệ" in text
    assert "Đánh giá lại hồ sơ giấy 2019" in text


def test_a_prechecked_dossier_goes_on_the_agenda_without_an_exception(
    dossier, producer_x, officer_x, advisory, province_officer, planned
):
    dossier = prechecked(dossier, producer_x, officer_x, advisory)
    dossier = dossier_domain.schedule(dossier=dossier, session=planned, by=province_officer)
    item = dossier.agenda_item
    assert item.admission_exception == ""
    assert ActivityLog.objects.filter(action="ocop.session.item_added").count() == 1
    assert "ngoại lệ" not in pdf_text(render_minutes(session=planned))


# The product's status -------------------------------------------------------------


def test_the_status_is_in_evaluation_from_submission_and_restored_on_a_return(
    dossier, producer_x, officer_x, product_x
):
    Product.objects.filter(pk=product_x.pk).update(status=OcopStatus.EXPIRED)
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert status_of(product_x) == OcopStatus.IN_EVALUATION
    set_dossier_state(dossier=dossier, action="return", by=officer_x, reason="Thiếu phiếu")
    assert status_of(product_x) == OcopStatus.EXPIRED
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert status_of(product_x) == OcopStatus.IN_EVALUATION
    logged = ActivityLog.objects.filter(action="ocop.product.status").order_by("pk")
    assert [(e.data["from"], e.data["to"]) for e in logged] == [
        ("expired", "in_evaluation"),
        ("in_evaluation", "expired"),
        ("expired", "in_evaluation"),
    ]


def test_withdrawal_restores_the_status(dossier, producer_x, product_x):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert status_of(product_x) == OcopStatus.IN_EVALUATION
    set_dossier_state(dossier=dossier, action="withdraw", by=producer_x, reason="Chưa đủ mẫu")
    assert status_of(product_x) == OcopStatus.NONE


def test_a_certified_product_stays_certified_while_its_renewal_is_evaluated(
    dossier, producer_x, product_x
):
    Product.objects.filter(pk=product_x.pk).update(status=OcopStatus.CERTIFIED, star=3)
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert status_of(product_x) == OcopStatus.CERTIFIED
    assert not ActivityLog.objects.filter(action="ocop.product.status").exists()


def test_the_status_stays_through_the_session_and_ends_with_a_result_not_reached(
    dossier, producer_x, officer_x, advisory, province_officer, planned, product_x
):
    dossier = prechecked(dossier, producer_x, officer_x, advisory)
    dossier = dossier_domain.schedule(dossier=dossier, session=planned, by=province_officer)
    assert status_of(product_x) == OcopStatus.IN_EVALUATION
    sessions.set_attendance(
        session=planned, present_member_ids=[m.pk for m in planned.members], by=province_officer
    )
    sessions.set_session_state(session=planned, action="open", by=province_officer)
    for member in planned.members:
        fill(Scoresheet.objects.get(item=dossier.agenda_item, member=member), pick=pick_worst)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.EVALUATED
    assert status_of(product_x) == OcopStatus.NONE


def test_a_star_reached_keeps_the_status_until_the_decision(
    dossier, producer_x, officer_x, advisory, province_officer, planned, product_x
):
    dossier = prechecked(dossier, producer_x, officer_x, advisory)
    dossier = dossier_domain.schedule(dossier=dossier, session=planned, by=province_officer)
    sessions.set_attendance(
        session=planned, present_member_ids=[m.pk for m in planned.members], by=province_officer
    )
    sessions.set_session_state(session=planned, action="open", by=province_officer)
    for member in planned.members:
        fill(Scoresheet.objects.get(item=dossier.agenda_item, member=member))
    assert status_of(product_x) == OcopStatus.IN_EVALUATION


# Deadlines of the rounds ----------------------------------------------------------


def rounds(policy=LateSubmission.REFUSE):
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        province=province("38"), year=today.year, title="Chu trình", late_submissions=policy
    )
    closed = EvaluationRound.objects.create(
        cycle=cycle, number=1, title="Đợt 1", submission_deadline=today - timedelta(days=1)
    )
    open_ = EvaluationRound.objects.create(
        cycle=cycle, number=2, title="Đợt 2", submission_deadline=today + timedelta(days=30)
    )
    return cycle, closed, open_


def test_a_dossier_submitted_after_the_deadline_is_refused_by_default(
    dossier, producer_x, product_x
):
    cycle, closed, _open = rounds()
    assert Cycle._meta.get_field("late_submissions").default == LateSubmission.REFUSE
    Dossier.objects.filter(pk=dossier.pk).update(cycle=cycle, round=closed)
    with pytest.raises(ValidationError) as error:
        set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    message = error.value.messages[0]
    assert "Đợt 1" in message
    assert closed.submission_deadline.strftime("%d/%m/%Y") in message
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    with pytest.raises(ValidationError):
        dossier_domain.create_dossier(product=product_x, by=producer_x, cycle=cycle, round=closed)


def test_a_cycle_accepting_late_dossiers_marks_them(client, dossier, producer_x):
    cycle, closed, _open = rounds(LateSubmission.MARK)
    Dossier.objects.filter(pk=dossier.pk).update(cycle=cycle, round=closed)
    dossier = set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.submitted_late
    entry = ActivityLog.objects.filter(action="ocop.dossier.transition").latest("pk")
    assert entry.data["late"] == closed.submission_deadline.isoformat()
    client.force_login(producer_x)
    page = client.get(reverse("cycles:dossier", args=[dossier.pk])).content.decode()
    assert 'id="dossier-late"' in page


def test_closed_rounds_are_not_offered_when_preparing_a_dossier(product_x):
    cycle, closed, open_ = rounds()
    form = DossierCreateForm(
        products=Product.objects.filter(pk=product_x.pk), cycles=Cycle.objects.all()
    )
    assert list(form.fields["round"].queryset) == [open_]
    form = DossierCreateForm(
        {"product": product_x.pk, "cycle": cycle.pk, "round": closed.pk},
        products=Product.objects.filter(pk=product_x.pk),
        cycles=Cycle.objects.all(),
    )
    assert not form.is_valid()
    assert "round" in form.errors
    Cycle.objects.filter(pk=cycle.pk).update(late_submissions=LateSubmission.MARK)
    form = DossierCreateForm(
        products=Product.objects.filter(pk=product_x.pk), cycles=Cycle.objects.all()
    )
    assert set(form.fields["round"].queryset) == {closed, open_}
    assert "muộn" in form.fields["round"].label_from_instance(closed)


def test_the_province_chooses_the_policy_on_the_cycle_form(client, province_officer):
    cycle, _closed, _open = rounds()
    client.force_login(province_officer)
    page = client.get(reverse("cycles:cycle_edit", args=[cycle.pk])).content.decode()
    assert 'name="late_submissions"' in page
