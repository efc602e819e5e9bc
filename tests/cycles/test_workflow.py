from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.core.models import ActivityLog, Notification
from ocop.cycles.domain import dossiers as dossier_domain
from ocop.cycles.domain import versions
from ocop.cycles.domain.workflow import set_dossier_state
from ocop.cycles.enums import DossierState
from ocop.cycles.models import Dossier
from tests.factories.cycles import commune_checked

pytestmark = pytest.mark.django_db


def test_the_1489_path_end_to_end(
    dossier, producer_x, officer_x, advisory, province_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.version == 1
    assert dossier.due_on > timezone.localdate()
    assert Notification.objects.filter(user=officer_x).count() == 1
    commune_checked(dossier, officer_x)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = set_dossier_state(dossier=dossier, action="forward", by=officer_x)
    assert dossier.state == DossierState.FORWARDED
    assert Notification.objects.filter(user__in=[advisory, province_officer]).count() == 2
    dossier = set_dossier_state(dossier=dossier, action="precheck", by=advisory)
    assert dossier.state == DossierState.PRECHECKED
    assert ActivityLog.objects.filter(action="ocop.dossier.transition").count() == 3


def test_submission_is_blocked_by_an_expired_food_safety_certificate(product_x, producer_x):
    from tests.factories.cycles import ready_dossier

    dossier = ready_dossier(
        product=product_x,
        producer=producer_x,
        food_safety_expires=timezone.localdate() - timedelta(days=3),
    )
    with pytest.raises(ValidationError) as error:
        set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert any("ATTP" in m or "an toàn thực phẩm" in m.lower() for m in error.value.messages)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    assert dossier.version == 0


def test_returned_dossier_keeps_its_version_and_the_diff_shows_the_changes(
    dossier, producer_x, officer_x
):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="return", by=officer_x)
    set_dossier_state(
        dossier=dossier, action="return", by=officer_x, missing=["Bổ sung phiếu kiểm nghiệm"]
    )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
    assert dossier.missing == ["Bổ sung phiếu kiểm nghiệm"]
    dossier_domain.update_dossier(dossier=dossier, by=producer_x, capacity="5 tấn/năm")
    from ocop.producers.models import EvidenceDocument

    report = EvidenceDocument.objects.create(
        subject=dossier.subject, doc_type="test_report", number="KN-02"
    )
    dossier_domain.link_document(dossier=dossier, evidence=report, by=producer_x)
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    first, second = dossier.versions.order_by("number")
    assert first.snapshot["fields"]["capacity"] == ""
    change = versions.diff(first.snapshot, second.snapshot)
    assert change["fields"] == {"capacity": ["", "5 tấn/năm"]}
    assert [d["number"] for d in change["documents_added"]] == ["KN-02"]
    assert change["documents_removed"] == []
    assert change["answers"] == []


def test_illegal_or_out_of_scope_transitions_fail_and_change_nothing(
    dossier, producer_x, officer_x, advisory
):
    from ocop.accounts.enums import Role
    from tests.factories.accounts import user_with_role
    from tests.factories.geo import communes

    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="forward", by=officer_x)
    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="nonsense", by=officer_x)
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    other = user_with_role(Role.COMMUNE_OFFICER, unit=communes("38", 3)[2])
    before = ActivityLog.objects.count()
    with pytest.raises(PermissionDenied):
        set_dossier_state(dossier=dossier, action="return", by=other, reason="x")
    with pytest.raises(PermissionDenied):
        set_dossier_state(dossier=dossier, action="return", by=producer_x, reason="x")
    with pytest.raises(ValidationError):
        set_dossier_state(dossier=dossier, action="precheck", by=advisory)
    # forwarding needs the commune's report, local criteria and samples
    with pytest.raises(ValidationError) as error:
        set_dossier_state(dossier=dossier, action="forward", by=officer_x)
    assert len(error.value.messages) == 3
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert ActivityLog.objects.count() == before


def test_a_submitted_dossier_is_not_editable_by_the_producer(dossier, producer_x):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    with pytest.raises(ValidationError):
        dossier_domain.update_dossier(dossier=dossier, by=producer_x, capacity="x")


def test_email_goes_out_after_commit(
    dossier, producer_x, officer_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    assert [m.to for m in mail.outbox] == [[officer_x.email]]
    assert Notification.objects.get(user=officer_x).emailed


def test_renewal_carries_valid_documents_and_asks_for_expired_ones(dossier, producer_x, officer_x):
    from ocop.producers.models import EvidenceDocument

    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.EVALUATED)
    EvidenceDocument.objects.filter(subject=dossier.subject, doc_type="food_safety").update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    renewal = dossier_domain.start_from(previous=dossier, kind="renewal", by=producer_x)
    assert renewal.parent == dossier
    carried = set(renewal.documents.values_list("evidence__doc_type", flat=True))
    assert carried == {"business_registration", "quality_declaration"}
    assert renewal.answers.count() == dossier.answers.filter(by="self").count()
    with pytest.raises(ValidationError) as error:
        set_dossier_state(dossier=renewal, action="submit", by=producer_x)
    assert len(error.value.messages) == 1  # only the food-safety certificate is asked for
