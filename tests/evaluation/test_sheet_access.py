"""One rule decides whether a member may change a scoring sheet
(``rules.scoresheet_lock``): the scoring page shows the form exactly when the
domain accepts an answer. And the scoring-page hook through which apps above
evaluation (cycles: the dossier) add evidence."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ocop.evaluation import hooks
from ocop.evaluation.domain import scoring, sessions
from ocop.evaluation.enums import SheetLock
from ocop.evaluation.models import Scoresheet
from ocop.evaluation.rules import can_edit_scoresheet, scoresheet_lock
from tests.factories.evaluation import fill

pytestmark = pytest.mark.django_db


def sheet_of(item, member):
    return Scoresheet.objects.get(item=item, member=member, round=item.round)


def _withdraw(item, chair, members):
    sessions.withdraw_item(item=item, by=chair.user, reason="Thiếu mẫu")


def _submit(item, chair, members):
    fill(sheet_of(item, members[1]))


def _close(item, chair, members):
    for other in item.session.items.all():
        for member in members:
            sheet = sheet_of(other, member)
            if sheet.status == "draft":
                fill(sheet)
    sessions.set_session_state(session=item.session, action="close", by=chair.user)


def _nothing(item, chair, members):
    pass


@pytest.mark.parametrize(
    ("change", "lock"),
    [
        (_nothing, None),
        (_submit, SheetLock.SUBMITTED),
        (_withdraw, SheetLock.ROUND_OVER),
        (_close, SheetLock.NOT_OPEN),
    ],
)
def test_the_page_offers_the_form_exactly_when_the_domain_accepts_an_answer(
    client, item, chair, members, change, lock
):
    change(item, chair, members)
    sheet = sheet_of(item, members[1])
    user = members[1].user
    assert scoresheet_lock(user, sheet) == lock
    assert can_edit_scoresheet(user, sheet) is (lock is None)
    client.force_login(user)
    page = client.get(reverse("evaluation:scoresheet", args=[sheet.pk])).content.decode()
    assert ('id="save-sheet"' in page) is (lock is None)
    assert ('id="submit-sheet"' in page) is (lock is None)
    code = item.sheet.criteria.order_by("order").first().code
    if lock is None:
        scoring.save_answer(scoresheet=sheet, criterion_code=code, by=user, options=["a"])
    else:
        with pytest.raises(ValidationError) as error:
            scoring.save_answer(scoresheet=sheet, criterion_code=code, by=user, options=["a"])
        assert error.value.messages == [str(lock.label)]


def test_another_members_sheet_is_locked_for_them(item, members):
    sheet = sheet_of(item, members[1])
    other = members[2].user
    assert scoresheet_lock(other, sheet) == SheetLock.NOT_OWN
    assert not can_edit_scoresheet(other, sheet)
    code = item.sheet.criteria.order_by("order").first().code
    with pytest.raises(PermissionDenied):
        scoring.save_answer(scoresheet=sheet, criterion_code=code, by=other, options=["a"])


@pytest.fixture
def provider():
    def lab_results(item, *, tree):
        if item.product.name != "Nước mắm X":
            return None
        first = tree.criteria.all()[0]
        return hooks.Evidence(
            key="lab",
            title="Phiếu kiểm nghiệm",
            facts=[("Kết quả", "Đạt QCVN 02-01")],
            by_criterion={first.pk: ["Phòng thí nghiệm: đạt"]},
        )

    hooks.register_evidence_provider(lab_results)
    hooks.register_evidence_provider(lab_results)  # once only
    yield lab_results
    hooks.unregister_evidence_provider(lab_results)


def test_a_registered_provider_adds_its_evidence_to_the_scoring_page(
    client, item, session, members, product_x, product_y, provider
):
    product_x.name = "Nước mắm X"
    product_x.save()
    client.force_login(members[1].user)
    page = client.get(
        reverse("evaluation:scoresheet", args=[sheet_of(item, members[1]).pk])
    ).content.decode()
    assert 'id="lab-summary"' in page
    assert "Đạt QCVN 02-01" in page
    assert page.count("Phòng thí nghiệm: đạt") == 1
    # Without a dossier, the cycles app's provider adds nothing.
    assert 'id="dossier-summary"' not in page
    # A product the provider knows nothing about: the page says so.
    other = sheet_of(session.items.get(product=product_y), members[1])
    page = client.get(reverse("evaluation:scoresheet", args=[other.pk])).content.decode()
    assert 'id="lab-summary"' not in page
    assert "Phòng thí nghiệm" not in page
