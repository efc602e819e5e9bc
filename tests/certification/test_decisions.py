"""Recognition decisions: drafted from a closed session, edited, issued (which
creates the certificates) or discarded; the authority and the state machine."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.certification.domain import decisions
from ocop.certification.domain.numbering import allocate_numbers
from ocop.certification.enums import (
    AuthorityLevel,
    CertificateSource,
    CertificateStatus,
    DecisionState,
)
from ocop.certification.models import Certificate, CertificationRule, Decision, DecisionItem
from ocop.core.domain.activity import history_for
from ocop.core.models import Notification
from ocop.criteria.enums import EvaluationLevel
from ocop.evaluation.enums import SessionState
from ocop.products.enums import OcopStatus
from tests.factories.certification import (
    BEST,
    THREE_STARS,
    closed_session,
    complete_draft,
    imported_certificate,
    issued_decision,
)
from tests.factories.evaluation import council_with_members, open_session
from tests.factories.registry import ProductFactory

pytestmark = pytest.mark.django_db


def english(settings):
    """Read the messages in English (the Vietnamese catalogue is filled later)."""
    from django.utils import translation

    translation.activate("en")


# Drafting ----------------------------------------------------------------------


def test_a_draft_from_a_closed_session_takes_the_recognised_stars_and_exact_means(
    closed, province_officer, product_x, product_y, thanh_hoa
):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    assert (decision.state, decision.level, decision.unit) == (
        DecisionState.DRAFT,
        AuthorityLevel.PROVINCE,
        thanh_hoa,
    )
    assert decision.authority == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert (decision.number, decision.date) == ("", None)
    lines = decision.legal_basis.splitlines()
    assert [line.split(" ngày")[0] for line in lines[:2]] == [
        "Căn cứ Quyết định 148/QĐ-TTg",
        "Căn cứ Quyết định 1489/QĐ-TTg",
    ]
    assert "1234/QĐ-UBND" in lines[2]
    assert lines[3].startswith("Xét kết quả đánh giá, phân hạng sản phẩm OCOP")
    items = list(decision.items.order_by("order"))
    assert [(i.product, i.star, i.score) for i in items] == [
        (product_x, 4, Decimal("86.66")),
        (product_y, 3, Decimal("63.66")),
    ]
    assert [e.action for e in history_for(decision)] == ["ocop.decision.drafted"]


def test_the_legal_basis_follows_the_rules_in_force_on_the_session_date(
    province_officer, product_x
):
    """A session before 6 July 2025 (148 with districts) cites 148 only."""
    session = closed_session(officer=province_officer, products=[product_x], day=date(2024, 5, 10))
    decision = decisions.draft_from_session(session=session, by=province_officer)
    cited = [line for line in decision.legal_basis.splitlines() if "QĐ-TTg" in line]
    assert [line.split(" ngày")[0] for line in cited] == ["Căn cứ Quyết định 148/QĐ-TTg"]
    # Under 148 the province recognised 4★ only: the 4★ product is on it.
    assert [(i.product, i.star) for i in decision.items.all()] == [(product_x, 4)]


def test_only_a_closed_session_gives_a_draft(province_officer, product_x, settings):
    english(settings)
    council, _members = council_with_members(officer=province_officer)
    session = open_session(officer=province_officer, council=council, products=[product_x])
    assert session.state == SessionState.OPEN
    with pytest.raises(ValidationError) as error:
        decisions.draft_from_session(session=session, by=province_officer)
    assert error.value.messages == [
        "A decision is drafted only from a closed session, once its results are final."
    ]
    assert Decision.objects.count() == 0


def test_a_session_without_a_recognised_product_gives_no_draft(province_officer, product_x):
    worst = {c: ["a"] for c in ("6.2", "5.1", "4.1", "4.2", "4.3", "1.5", "6.7", "1.3", "7.1")}
    session = closed_session(
        officer=province_officer, products=[product_x], results={product_x.pk: worst}
    )
    assert session.items.get().recognised_star is None
    with pytest.raises(ValidationError):
        decisions.draft_from_session(session=session, by=province_officer)
    assert Decision.objects.count() == 0


def test_a_second_draft_of_the_same_session_is_refused_until_the_first_is_discarded(
    closed, province_officer
):
    first = decisions.draft_from_session(session=closed, by=province_officer)
    with pytest.raises(ValidationError):
        decisions.draft_from_session(session=closed, by=province_officer)
    decisions.set_decision_state(decision=first, action="discard", by=province_officer)
    first.refresh_from_db()
    assert first.state == DecisionState.DISCARDED
    second = decisions.draft_from_session(session=closed, by=province_officer)
    assert second.items.count() == 2


def test_products_already_on_an_issued_decision_are_left_off_a_new_draft(
    closed, province_officer, product_x, product_y
):
    draft = decisions.draft_from_session(session=closed, by=province_officer)
    decisions.remove_draft_item(item=draft.items.get(product=product_y), by=province_officer)
    complete_draft(draft, by=province_officer)
    decisions.set_decision_state(decision=draft, action="issue", by=province_officer)
    second = decisions.draft_from_session(session=closed, by=province_officer)
    assert [i.product for i in second.items.all()] == [product_y]
    complete_draft(second, by=province_officer, number="124/QĐ-UBND")
    decisions.set_decision_state(decision=second, action="issue", by=province_officer)
    with pytest.raises(ValidationError):
        decisions.draft_from_session(session=closed, by=province_officer)


def test_the_same_product_cannot_be_issued_twice_from_two_drafts(closed, province_officer):
    first = decisions.draft_from_session(session=closed, by=province_officer)
    decisions.set_decision_state(decision=first, action="discard", by=province_officer)
    second = decisions.draft_from_session(session=closed, by=province_officer)
    complete_draft(second, by=province_officer)
    decisions.set_decision_state(decision=second, action="issue", by=province_officer)
    # The discarded draft cannot be revived, and its items cannot be issued.
    with pytest.raises(ValidationError):
        decisions.set_decision_state(decision=first, action="issue", by=province_officer)
    assert Certificate.objects.count() == 2


@pytest.mark.parametrize("who", ["other_province_officer", "central_officer", "producer_x"])
def test_only_the_provinces_officers_draft_its_decisions(closed, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        decisions.draft_from_session(session=closed, by=user)
    assert Decision.objects.count() == 0


def test_a_province_administrator_may_draft_and_issue(closed, province_admin):
    decision = issued_decision(session=closed, by=province_admin)
    assert decision.state == DecisionState.ISSUED


# Editing -----------------------------------------------------------------------


def test_a_draft_is_edited_and_each_change_is_logged(closed, province_officer):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    decisions.update_draft(
        decision=decision,
        by=province_officer,
        number=" 88/QĐ-UBND ",
        date=date(2025, 10, 1),
        signer_name="Nguyễn Thị Ký",
        signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    )
    decision.refresh_from_db()
    assert (decision.number, decision.date, decision.signer_name) == (
        "88/QĐ-UBND",
        date(2025, 10, 1),
        "Nguyễn Thị Ký",
    )
    entry = history_for(decision).first()
    assert entry.action == "ocop.decision.changed"
    assert entry.data["number"] == ["", "88/QĐ-UBND"]


def test_an_issued_decision_can_no_longer_be_edited(closed, province_officer):
    decision = issued_decision(session=closed, by=province_officer)
    with pytest.raises(ValidationError):
        decisions.update_draft(decision=decision, by=province_officer, number="999/QĐ-UBND")
    with pytest.raises(ValidationError):
        decisions.remove_draft_item(item=decision.items.first(), by=province_officer)
    decision.refresh_from_db()
    assert (decision.number, decision.items.count()) == ("123/QĐ-UBND", 2)


def test_others_cannot_edit_a_draft(closed, province_officer, other_province_officer):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    with pytest.raises(PermissionDenied):
        decisions.update_draft(decision=decision, by=other_province_officer, number="1/QĐ")
    with pytest.raises(PermissionDenied):
        decisions.remove_draft_item(item=decision.items.first(), by=other_province_officer)
    decision.refresh_from_db()
    assert (decision.number, decision.items.count()) == ("", 2)


def test_the_last_product_of_a_draft_is_not_removed(closed, province_officer, product_y):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    decisions.remove_draft_item(item=decision.items.get(product=product_y), by=province_officer)
    with pytest.raises(ValidationError):
        decisions.remove_draft_item(item=decision.items.get(), by=province_officer)
    assert decision.items.count() == 1


# Issuing -----------------------------------------------------------------------


def test_issuing_creates_numbered_certificates_and_certifies_the_products(
    closed, province_officer, product_x, product_y
):
    decision = issued_decision(session=closed, by=province_officer, day=date(2025, 9, 30))
    assert (decision.state, decision.issued_by) == (DecisionState.ISSUED, province_officer)
    assert decision.rule == CertificationRule.objects.get(code="148-36m")
    rows = list(
        Certificate.objects.order_by("number").values_list(
            "product",
            "number",
            "star",
            "score",
            "decision_number",
            "decision_date",
            "authority_level",
            "valid_until",
            "legal_basis",
            "source",
            "status",
        )
    )
    common = (
        "123/QĐ-UBND",
        date(2025, 9, 30),
        AuthorityLevel.PROVINCE,
        date(2028, 9, 30),
        "148/QĐ-TTg; 1489/QĐ-TTg",
        CertificateSource.DECISION,
        CertificateStatus.VALID,
    )
    assert rows == [
        (product_x.pk, "0001/2025/OCOP-38", 4, Decimal("86.66"), *common),
        (product_y.pk, "0002/2025/OCOP-38", 3, Decimal("63.66"), *common),
    ]
    for product, star in ((product_x, 4), (product_y, 3)):
        product.refresh_from_db()
        assert (product.status, product.star, product.certified_until) == (
            OcopStatus.CERTIFIED,
            star,
            date(2028, 9, 30),
        )
    assert [e.action for e in history_for(decision)] == [
        "ocop.decision.issued",
        "ocop.decision.changed",
        "ocop.decision.drafted",
    ]
    certificate = Certificate.objects.get(product=product_x)
    assert [e.action for e in history_for(certificate)] == ["ocop.certificate.issued"]


def test_certificate_numbers_continue_across_decisions_and_restart_each_year(
    province_officer, product_x, product_y, subject_x
):
    first = closed_session(officer=province_officer, products=[product_x])
    issued_decision(session=first, by=province_officer, number="10/QĐ-UBND")
    second = closed_session(officer=province_officer, products=[product_y])
    issued_decision(session=second, by=province_officer, number="11/QĐ-UBND")
    third_product = ProductFactory(subject=subject_x, name="Mắm tôm Làng X")
    third = closed_session(officer=province_officer, products=[third_product], day=date(2026, 3, 2))
    issued_decision(session=third, by=province_officer, number="5/QĐ-UBND", day=date(2026, 3, 9))
    assert list(Certificate.objects.order_by("pk").values_list("number", flat=True)) == [
        "0001/2025/OCOP-38",
        "0002/2025/OCOP-38",
        "0001/2026/OCOP-38",
    ]


def test_numbers_of_the_centre_and_of_an_old_district():
    from ocop.geo.enums import Era, Level
    from ocop.geo.models import AdminUnit

    district = AdminUnit.objects.filter(era=Era.LEGACY, level=Level.DISTRICT).first()
    assert allocate_numbers(level=AuthorityLevel.CENTRAL, unit=None, year=2025, count=2) == [
        "0001/2025/OCOP-TW",
        "0002/2025/OCOP-TW",
    ]
    assert allocate_numbers(level=AuthorityLevel.DISTRICT, unit=district, year=2022, count=1) == [
        f"0001/2022/OCOP-H{district.code}"
    ]


def test_validity_comes_from_the_rule_in_force_not_from_the_code(closed, province_officer):
    CertificationRule.objects.filter(code="148-36m").update(validity_months=24)
    issued_decision(session=closed, by=province_officer, day=date(2025, 9, 30))
    assert set(Certificate.objects.values_list("valid_until", flat=True)) == {date(2027, 9, 30)}


def test_an_upgrade_supersedes_the_older_certificate(province_officer, product_x):
    three = closed_session(
        officer=province_officer,
        products=[product_x],
        results={product_x.pk: THREE_STARS},
        day=date(2025, 8, 1),
    )
    issued_decision(session=three, by=province_officer, number="50/QĐ-UBND", day=date(2025, 8, 8))
    old = Certificate.objects.get()
    four = closed_session(officer=province_officer, products=[product_x], day=date(2025, 11, 3))
    issued_decision(session=four, by=province_officer, number="90/QĐ-UBND", day=date(2025, 11, 10))
    new = Certificate.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert (old.status, old.superseded_by, old.star) == (CertificateStatus.SUPERSEDED, new, 3)
    assert (new.status, new.star) == (CertificateStatus.VALID, 4)
    product_x.refresh_from_db()
    assert (product_x.status, product_x.star, product_x.certified_until) == (
        OcopStatus.CERTIFIED,
        4,
        date(2028, 11, 10),
    )
    assert [e.action for e in history_for(old)] == [
        "ocop.certificate.superseded",
        "ocop.certificate.issued",
    ]


def test_a_renewal_supersedes_an_imported_expired_certificate(closed, province_officer, product_x):
    imported = imported_certificate(
        product_x,
        star=3,
        decision_date=date(2021, 4, 6),
        valid_until=date(2024, 4, 6),
        status=CertificateStatus.EXPIRED,
    )
    issued_decision(session=closed, by=province_officer)
    imported.refresh_from_db()
    assert imported.status == CertificateStatus.SUPERSEDED
    assert imported.superseded_by == Certificate.objects.get(product=product_x, source="decision")


def test_a_revoked_certificate_stays_revoked_when_a_new_one_is_issued(
    closed, province_officer, product_x
):
    revoked = imported_certificate(product_x, status=CertificateStatus.REVOKED)
    issued_decision(session=closed, by=province_officer)
    revoked.refresh_from_db()
    assert (revoked.status, revoked.superseded_by) == (CertificateStatus.REVOKED, None)


def test_issuing_tells_the_producers_of_each_subject(
    closed, province_officer, producer_x, product_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued_decision(session=closed, by=province_officer)
    notes = list(Notification.objects.filter(user=producer_x))
    assert len(notes) == 1
    certificate = Certificate.objects.get(product=product_x)
    assert notes[0].url == f"/certification/certificates/{certificate.pk}/"
    assert "4★" in notes[0].text
    assert "0001/2025/OCOP-38" in notes[0].text


def test_central_decisions_recognise_5_stars_and_are_issued_by_the_centre(
    central_officer, province_officer, product_x
):
    session = closed_session(
        officer=central_officer,
        products=[product_x],
        results={product_x.pk: BEST},
        level=EvaluationLevel.CENTRAL,
    )
    with pytest.raises(PermissionDenied):
        decisions.draft_from_session(session=session, by=province_officer)
    decision = decisions.draft_from_session(session=session, by=central_officer)
    assert (decision.level, decision.unit, decision.authority) == (
        AuthorityLevel.CENTRAL,
        None,
        "Bộ Nông nghiệp và Môi trường",
    )
    complete_draft(decision, by=central_officer, number="2361/QĐ-BNNMT")
    with pytest.raises(PermissionDenied):
        decisions.set_decision_state(decision=decision, action="issue", by=province_officer)
    decisions.set_decision_state(decision=decision, action="issue", by=central_officer)
    certificate = Certificate.objects.get()
    assert (certificate.star, certificate.number, certificate.authority_level) == (
        5,
        "0001/2025/OCOP-TW",
        AuthorityLevel.CENTRAL,
    )


# Refusals change nothing ----------------------------------------------------------


def _nothing_issued(decision):
    decision.refresh_from_db()
    return (decision.state, Certificate.objects.count(), decision.issued_at) == (
        DecisionState.DRAFT,
        0,
        None,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": ""}, "Enter the decision number."),
        ({"date": None}, "Enter the decision date."),
        ({"signer_name": ""}, "Enter the signer's name and title."),
        ({"date": date(2025, 9, 1)}, "The decision cannot be dated before the council session"),
    ],
)
def test_an_incomplete_draft_is_not_issued(closed, province_officer, settings, fields, message):
    english(settings)
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    complete_draft(decision, by=province_officer)
    decisions.update_draft(decision=decision, by=province_officer, **fields)
    with pytest.raises(ValidationError) as error:
        decisions.set_decision_state(decision=decision, action="issue", by=province_officer)
    assert [m for m in error.value.messages if m.startswith(message)] != []
    assert _nothing_issued(decision)


def test_a_future_date_is_refused(closed, province_officer, settings):
    english(settings)
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    complete_draft(decision, by=province_officer, day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        decisions.set_decision_state(decision=decision, action="issue", by=province_officer)
    assert error.value.messages == ["The decision date cannot be in the future."]
    assert _nothing_issued(decision)


def test_a_decision_number_already_issued_by_the_authority_is_refused(
    province_officer, product_x, product_y, settings
):
    english(settings)
    issued_decision(
        session=closed_session(officer=province_officer, products=[product_x]),
        by=province_officer,
        number="77/QĐ-UBND",
    )
    second = decisions.draft_from_session(
        session=closed_session(officer=province_officer, products=[product_y]),
        by=province_officer,
    )
    complete_draft(second, by=province_officer, number="77/QĐ-UBND")
    with pytest.raises(ValidationError) as error:
        decisions.set_decision_state(decision=second, action="issue", by=province_officer)
    assert error.value.messages == [
        "Decision number 77/QĐ-UBND has already been issued by this authority "
        "(dated 30/09/2025): check the number."
    ]
    second.refresh_from_db()
    assert (second.state, Certificate.objects.count()) == (DecisionState.DRAFT, 1)


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (DecisionState.ISSUED, "issue"),
        (DecisionState.ISSUED, "discard"),
        (DecisionState.DISCARDED, "issue"),
        (DecisionState.DISCARDED, "discard"),
        (DecisionState.DRAFT, "sign"),
    ],
)
def test_illegal_transitions_are_refused_with_a_clear_message(
    closed, province_officer, settings, start, action
):
    english(settings)
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    complete_draft(decision, by=province_officer)
    if start == DecisionState.ISSUED:
        decisions.set_decision_state(decision=decision, action="issue", by=province_officer)
    elif start == DecisionState.DISCARDED:
        decisions.set_decision_state(decision=decision, action="discard", by=province_officer)
    certificates = Certificate.objects.count()
    logged = history_for(decision).count()
    with pytest.raises(ValidationError) as error:
        decisions.set_decision_state(decision=decision, action=action, by=province_officer)
    message = error.value.messages[0]
    if action == "sign":
        assert message == "Unknown action “sign”."
    else:
        label = {"issue": "Issue the decision", "discard": "Discard the draft"}[action]
        assert message == f"A decision that is “{start}” cannot be “{label}”."
    decision.refresh_from_db()
    assert (decision.state, Certificate.objects.count(), history_for(decision).count()) == (
        start,
        certificates,
        logged,
    )


@pytest.mark.parametrize(
    "who", ["other_province_officer", "central_officer", "producer_x", "officer_x"]
)
def test_wrong_authorities_cannot_issue_or_discard(closed, province_officer, request, who):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    complete_draft(decision, by=province_officer)
    user = request.getfixturevalue(who)
    for action in ("issue", "discard"):
        with pytest.raises(PermissionDenied):
            decisions.set_decision_state(decision=decision, action=action, by=user)
    assert _nothing_issued(decision)


def test_a_missing_certification_rule_is_a_clear_error(closed, province_officer):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    complete_draft(decision, by=province_officer)
    CertificationRule.objects.filter(code="148-36m").update(effective_from=date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        decisions.set_decision_state(decision=decision, action="issue", by=province_officer)
    assert "load_certification_rules" in error.value.messages[0]
    assert _nothing_issued(decision)


def test_an_imported_certificate_of_the_same_decision_is_not_duplicated(
    closed, province_officer, product_x
):
    imported_certificate(product_x, star=4, decision_number="123/QĐ-UBND")
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    complete_draft(decision, by=province_officer)
    with pytest.raises(ValidationError):
        decisions.set_decision_state(decision=decision, action="issue", by=province_officer)
    assert Certificate.objects.count() == 1
    decision.refresh_from_db()
    assert decision.state == DecisionState.DRAFT


def test_items_are_kept_with_the_discarded_draft(closed, province_officer):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    decisions.set_decision_state(
        decision=decision, action="discard", by=province_officer, reason="Sai đợt"
    )
    assert DecisionItem.objects.filter(decision=decision).count() == 2
    entry = history_for(decision).first()
    assert (entry.action, entry.data["reason"]) == ("ocop.decision.discarded", "Sai đợt")
