"""Visits: answers (idempotent with a client id), photos (checked uploads,
location only with consent), acknowledgment, the report read back from the
PDF, outcomes (a warning reminded exactly once through run_periodic, a
re-visit, a proposal to revoke followed through the certification app's
revocation), complaints and flags closed by the visit, misused stamps voided,
and the figures."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from ocop.accounts.enums import Role
from ocop.certification.enums import CertificateStatus
from ocop.certification.models import RevocationGround
from ocop.core.models import ActivityLog, Notification
from ocop.inspections.domain import fieldwork, plans, proposals, visits
from ocop.inspections.domain.report import render_report
from ocop.inspections.enums import ComplaintState, Outcome, ProposalState, VisitState
from ocop.inspections.models import Complaint, CorrectiveAction, Visit
from ocop.products.enums import OcopStatus
from ocop.stamps.domain.links import new_stamp_token
from ocop.stamps.domain.serials import format_serial
from ocop.stamps.enums import StampState
from ocop.stamps.models import Stamp
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.stamps import certify
from tests.pdffonts import assert_administrative_fonts
from tests.verify.conftest import make_batch

pytestmark = pytest.mark.django_db


def jpeg(name="anh.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def inspector():
    return user_with_role(Role.INSPECTOR, unit=province("38"), username="hk.th")


@pytest.fixture
def setup(province_officer, inspector):
    product = ProductFactory(
        subject=SubjectFactory(commune=communes("38", 1)[0]), name="Chè lam Phủ Quảng"
    )
    producer = user_with_role(Role.PRODUCER, subject=product.subject, username="sx.chelam")
    certificate = certify(product, valid_until=timezone.localdate() + timedelta(days=700))
    plan = plans.create_plan(
        province=province("38"), year=timezone.localdate().year, by=inspector, seed=1
    )
    plans.set_plan_state(plan=plan, action="submit", by=inspector)
    plans.set_plan_state(plan=plan, action="approve", by=province_officer)
    visit = plans.assign_visit(
        plan=plan,
        product=product,
        inspector=inspector,
        on=timezone.localdate(),
        by=province_officer,
    )
    return {"product": product, "producer": producer, "certificate": certificate, "visit": visit}


def answer_all(visit, by, *, finding=None, client_id=""):
    answers = {
        item.code: ("finding" if item.code == finding else "ok", "ghi nhận")
        for item in visit.checklist.items.all()
    }
    return visits.save_answers(visit=visit, answers=answers, by=by, client_id=client_id)


def test_answers_are_recorded_once_per_client_id_and_only_by_the_inspector(
    setup, inspector, province_officer
):
    visit = setup["visit"]
    with pytest.raises(PermissionDenied):
        answer_all(visit, province_officer)
    _visit, written = answer_all(visit, inspector, client_id="c-1")
    assert written
    _visit, written = answer_all(visit, inspector, finding="1", client_id="c-1")
    assert not written  # the same offline set sent again
    assert visit.answers.filter(result="finding").count() == 0
    assert ActivityLog.objects.filter(action="ocop.inspection_visit.answered").count() == 1
    with pytest.raises(ValidationError):
        visits.save_answers(visit=visit, answers={"99": ("ok", "")}, by=inspector)


def test_photo_checked_and_located_only_with_consent(setup, inspector):
    visit = setup["visit"]
    lat, lon = Decimal("19.80000"), Decimal("105.70000")
    photo = visits.add_photo(visit=visit, upload=jpeg(), by=inspector, latitude=lat, longitude=lon)
    assert photo.latitude is None
    assert not photo.location_consent
    photo = visits.add_photo(
        visit=visit, upload=jpeg(), by=inspector, latitude=lat, longitude=lon, location_consent=True
    )
    assert photo.latitude == lat
    assert photo.location_consent
    fake = SimpleUploadedFile("x.jpg", b"MZ not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        visits.add_photo(visit=visit, upload=fake, by=inspector)
    assert "photo" in error.value.message_dict


def test_warning_reminded_once_then_revisit_proposes_revocation_and_certificate_is_revoked(
    setup, inspector, province_officer
):
    visit, product = setup["visit"], setup["product"]
    today = timezone.localdate()
    answer_all(visit, inspector, finding="3")
    with pytest.raises(ValidationError):  # not acknowledged yet
        visits.set_visit_state(visit=visit, action="close", by=inspector, outcome=Outcome.WARNING)
    visits.acknowledge(
        visit=visit, name="Lê Thị Chủ", title="Giám đốc", confirmed=True, by=inspector
    )
    with pytest.raises(ValidationError):  # a warning needs its corrective actions
        visits.set_visit_state(visit=visit, action="close", by=inspector, outcome=Outcome.WARNING)
    with pytest.raises(ValidationError):
        visits.set_visit_state(visit=visit, action="close", by=inspector, outcome=Outcome.COMPLIANT)
    action = visits.add_corrective_action(
        visit=visit,
        text="Bổ sung bản tự công bố còn hiệu lực",
        deadline=today + timedelta(days=30),
        by=inspector,
    )
    visit = visits.set_visit_state(
        visit=visit, action="close", by=inspector, outcome=Outcome.WARNING
    )
    assert visit.state == VisitState.CLOSED
    assert visit.number.endswith("/BB-KTSCN")
    with pytest.raises(ValidationError):  # closed: no more answers
        answer_all(visit, inspector)

    # The deadline passes: run_periodic reminds the inspector and the producer once.
    CorrectiveAction.objects.filter(pk=action.pk).update(deadline=today - timedelta(days=1))
    job = "remind_overdue_corrective_actions"
    call_command("run_periodic", "--force", "--only", job, verbosity=0)
    call_command("run_periodic", "--force", "--only", job, verbosity=0)
    reminders = Notification.objects.filter(text__contains="Bổ sung bản tự công bố")
    assert sorted(n.user.username for n in reminders) == ["hk.th", "sx.chelam"]

    # The re-visit finds it still wrong and proposes revocation.
    revisit = plans.assign_visit(
        plan=visit.plan,
        product=product,
        inspector=inspector,
        on=today,
        by=province_officer,
        follow_up_of=visit,
    )
    answer_all(revisit, inspector, finding="8")
    visits.add_photo(visit=revisit, upload=jpeg(), by=inspector)
    visits.acknowledge(visit=revisit, name="Lê Thị Chủ", confirmed=True, by=inspector)
    ground = RevocationGround.objects.get(code="criteria_not_met")
    with pytest.raises(ValidationError):  # no evidence
        visits.set_visit_state(
            visit=revisit, action="close", by=inspector, outcome=Outcome.REVOKE, ground=ground
        )
    revisit = visits.set_visit_state(
        visit=revisit,
        action="close",
        by=inspector,
        outcome=Outcome.REVOKE,
        ground=ground,
        evidence="Nhãn vẫn ghi bản công bố hết hạn từ 2024.",
    )
    proposal = revisit.proposal
    assert proposal.state == ProposalState.PROPOSED
    assert proposal.certificate == setup["certificate"]
    with pytest.raises(PermissionDenied):  # the inspector does not revoke
        proposals.set_proposal_state(
            proposal=proposal,
            action="revoke",
            by=inspector,
            decision_number="9/QĐ-UBND",
            decision_date=today,
        )
    with pytest.raises(ValidationError):  # the certification app's own checks
        proposals.set_proposal_state(
            proposal=proposal,
            action="revoke",
            by=province_officer,
            decision_number="9/QĐ-UBND",
            decision_date=today + timedelta(days=3),
        )
    proposal = proposals.set_proposal_state(
        proposal=proposal,
        action="revoke",
        by=province_officer,
        decision_number="9/QĐ-UBND",
        decision_date=today,
    )
    certificate = setup["certificate"]
    certificate.refresh_from_db()
    product.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert product.status == OcopStatus.REVOKED
    assert proposal.revocation.ground == ground
    assert revisit.number in proposal.revocation.details
    assert ActivityLog.objects.filter(action="ocop.certificate.revoked").count() == 1

    rows, totals = fieldwork.figures(
        user=province_officer, start=today - timedelta(days=1), end=today
    )
    (row,) = rows
    assert (row.visits, row.warnings, row.proposals, row.revoked) == (2, 1, 1, 1)
    assert totals == {"label": 1, "follow_up": 1}
    # The same figures for a province's report, without a user's scope.
    report_rows, report_totals = fieldwork.figures_for(
        provinces=[province("38")], start=today - timedelta(days=1), end=today
    )
    assert [(r.province, r.visits, r.revoked) for r in report_rows] == [(province("38"), 2, 1)]
    assert report_totals == totals
    assert fieldwork.figures_for(provinces=[province("01")], start=today, end=today) == ([], {})


def test_report_pdf_reads_back(setup, inspector, client):
    visit = setup["visit"]
    answer_all(visit, inspector, finding="2")
    visits.acknowledge(visit=visit, name="Lê Thị Chủ", confirmed=True, by=inspector)
    visits.add_corrective_action(
        visit=visit,
        text="Gỡ logo OCOP khỏi lô hàng cũ",
        deadline=timezone.localdate() + timedelta(days=10),
        by=inspector,
    )
    visits.set_visit_state(visit=visit, action="close", by=inspector, outcome=Outcome.WARNING)
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_report(visit=visit))).pages
    )
    squashed = " ".join(text.split())
    assert "BIÊN BẢN KIỂM TRA" in squashed
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in squashed
    assert "Chè lam Phủ Quảng" in squashed
    assert "Lê Thị Chủ" in squashed
    assert "Gỡ logo OCOP khỏi lô hàng cũ" in squashed
    assert "Có vi phạm" in squashed
    client.force_login(inspector)
    response = client.get(f"/inspections/visits/{visit.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_administrative_fonts(response.content)
    other = user_with_role(Role.INSPECTOR, unit=province("01"))
    client.force_login(other)
    assert client.get(f"/inspections/visits/{visit.pk}/report.pdf").status_code == 404
    assert client.get(f"/inspections/visits/{visit.pk}/").status_code == 404


def test_close_resolves_complaints_and_flags_and_voids_misused_stamps(
    setup, inspector, province_officer
):
    visit, product = setup["visit"], setup["product"]
    complaint = Complaint.objects.create(
        product=product, province=product.province, message="x" * 20
    )
    batch = make_batch(product, by=province_officer, quantity=3)
    flagged, misused, kept = (
        Stamp.objects.create(
            batch=batch, serial=format_serial("38", 777000 + n), token=new_stamp_token()
        )
        for n in range(3)
    )
    flagged.flagged_at = timezone.now()
    flagged.flag_reason = "quét ở hai nơi"
    flagged.save()
    answer_all(visit, inspector)
    visits.acknowledge(visit=visit, name="Lê Thị Chủ", confirmed=True, by=inspector)
    visit = visits.set_visit_state(
        visit=visit,
        action="close",
        by=inspector,
        outcome=Outcome.COMPLIANT,
        complaints=[complaint.pk],
        flags=[flagged.pk],
    )
    complaint.refresh_from_db()
    flagged.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED
    assert complaint.closed_by_visit == visit
    assert visit.number in complaint.resolution
    assert flagged.flagged_at is None
    assert flagged.flag_reviews.get().visit == visit

    with pytest.raises(PermissionDenied):  # voiding is the province's decision
        visits.void_misused_stamps(visit=visit, serials=misused.serial, by=inspector)
    with pytest.raises(ValidationError):
        visits.void_misused_stamps(visit=visit, serials="38-999999999-X", by=province_officer)
    assert visits.void_misused_stamps(visit=visit, serials=misused.serial, by=province_officer) == 1
    misused.refresh_from_db()
    kept.refresh_from_db()
    assert misused.state == StampState.VOIDED
    assert kept.state == StampState.ACTIVE


def test_visit_page_flow(client, setup, inspector):
    visit = setup["visit"]
    client.force_login(inspector)
    page = client.get(f"/inspections/visits/{visit.pk}/")
    assert page.status_code == 200
    assert 'id="answers-form"' in page.content.decode()
    data = {f"r_{item.code}": "ok" for item in visit.checklist.items.all()}
    assert client.post(f"/inspections/visits/{visit.pk}/answers/", data).status_code == 302
    response = client.post(f"/inspections/visits/{visit.pk}/acknowledge/", {"name": "A"})
    assert response.status_code == 400  # the tick is missing
    response = client.post(
        f"/inspections/visits/{visit.pk}/acknowledge/", {"name": "A", "confirmed": "on"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/inspections/visits/{visit.pk}/photo/", {"photo": jpeg(), "caption": "Kho"}
    )
    assert response.status_code == 302
    response = client.post(
        f"/inspections/visits/{visit.pk}/close/",
        {"outcome": "compliant", "visited_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).state == VisitState.CLOSED
    photo = visit.photos.get()
    response = client.get(f"/inspections/visits/{visit.pk}/photo/{photo.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    response.close()


def test_sync_records_once_and_refuses_a_closed_visit(client, setup, inspector):
    visit = setup["visit"]
    client.force_login(inspector)
    sw = client.get("/inspections/sw.js")
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/inspections/"
    body = {
        "client_id": "phone-1",
        "answers": {item.code: ["ok", ""] for item in visit.checklist.items.all()},
        "notes": "ngoại tuyến",
    }
    url = f"/inspections/visits/{visit.pk}/sync/"
    first = client.post(url, body, content_type="application/json")
    assert first.json()["status"] == "saved"
    again = client.post(url, body, content_type="application/json")
    assert again.json()["status"] == "duplicate"
    assert ActivityLog.objects.filter(action="ocop.inspection_visit.answered").count() == 1
    bad = client.post(url, "{not json", content_type="application/json")
    assert bad.status_code == 400
    visits.acknowledge(visit=visit, name="A", confirmed=True, by=inspector)
    visits.set_visit_state(visit=visit, action="close", by=inspector, outcome=Outcome.COMPLIANT)
    late = client.post(
        url,
        {**body, "client_id": "phone-2", "answers": {"1": ["finding", "x"]}},
        content_type="application/json",
    )
    assert late.status_code == 409
    assert "đã được kết thúc trên máy chủ" in late.json()["message"]
    assert not visit.answers.filter(result="finding").exists()


def test_a_photo_sent_again_with_its_client_id_is_attached_once(setup, inspector):
    visit = setup["visit"]
    first = visits.add_photo(visit=visit, upload=jpeg(), by=inspector, client_id="anh-1")
    again = visits.add_photo(visit=visit, upload=jpeg(), by=inspector, client_id="anh-1")
    assert again == first
    assert visit.photos.count() == 1
