"""Requests, the batch's transitions, serial allocation and voiding."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.certification.enums import AuthorityLevel, CertificateStatus
from ocop.core.models import ActivityLog, Notification
from ocop.stamps.domain.batches import (
    TRANSITIONS,
    available,
    request_stamps,
    set_batch_state,
    void_stamps,
)
from ocop.stamps.domain.links import TOKEN_ALPHABET, TOKEN_LENGTH
from ocop.stamps.domain.serials import format_serial, parse_serial
from ocop.stamps.enums import RequestState, StampState
from ocop.stamps.models import SerialCounter, Stamp, StampBatch
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.factories.stamps import approved_batch, certify, province_officer_of
from tests.factories.traceability import ProductionBatchFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _nothing_saved():
    assert (StampBatch.objects.count(), Stamp.objects.count()) == (0, 0)
    assert list(ActivityLog.objects.filter(action__startswith="ocop.stamp")) == []


# Requests ------------------------------------------------------------------------


def test_producer_requests_stamps_for_a_certified_product(
    certified_x, certificate_x, producer_x, province_officer
):
    lot = ProductionBatchFactory(product=certified_x, lot_code="NM-2025-07")
    batch = request_stamps(
        product=certified_x,
        quantity=500,
        production_batch=lot,
        note=" tem chai 500ml ",
        by=producer_x,
    )
    assert (batch.state, batch.quantity, batch.production_batch, batch.certificate) == (
        RequestState.REQUESTED,
        500,
        lot,
        certificate_x,
    )
    assert (batch.note, batch.series, batch.first_number, Stamp.objects.count()) == (
        "tem chai 500ml",
        "",
        None,
        0,
    )
    entry = ActivityLog.objects.get(action="ocop.stamp_batch.requested")
    assert (
        entry.actor,
        entry.object_id,
        entry.data["quantity"],
        entry.data["production_batch"],
    ) == (
        producer_x,
        str(batch.pk),
        500,
        "NM-2025-07",
    )
    # The province's officers, who approve, are told.
    assert list(Notification.objects.values_list("user", flat=True)) == [province_officer.pk]


def test_a_commune_officer_may_request_on_the_subjects_behalf(certified_x, officer_x):
    batch = request_stamps(product=certified_x, quantity=5, by=officer_x)
    assert batch.requested_by == officer_x


def test_no_certificate_no_stamps(product_x, producer_x):
    with pytest.raises(ValidationError) as caught:
        request_stamps(product=product_x, quantity=10, by=producer_x)
    assert caught.value.messages == [
        "This product has no OCOP certificate, so no stamps can be issued for it."
    ]
    _nothing_saved()


def test_an_expired_certificate_is_refused_with_its_date(product_x, producer_x):
    today = timezone.localdate()
    certify(
        product_x,
        issued=today - datetime.timedelta(days=1200),
        valid_until=today - datetime.timedelta(days=3),
    )
    with pytest.raises(ValidationError) as caught:
        request_stamps(product=product_x, quantity=10, by=producer_x)
    until = (today - datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    assert caught.value.messages == [
        f"The product's OCOP certificate expired on {until}: stamps are issued only while a "
        "certificate is in force."
    ]
    _nothing_saved()


def test_a_certificate_marked_expired_is_refused(product_x, producer_x):
    certify(product_x, status=CertificateStatus.EXPIRED)
    with pytest.raises(ValidationError) as caught:
        request_stamps(product=product_x, quantity=10, by=producer_x)
    assert caught.value.code == "expired"
    _nothing_saved()


def test_a_revoked_certificate_is_refused(product_x, producer_x):
    certify(product_x, status=CertificateStatus.REVOKED)
    with pytest.raises(ValidationError) as caught:
        request_stamps(product=product_x, quantity=10, by=producer_x)
    assert caught.value.messages == [
        "The product's OCOP certificate has been revoked, so no stamps can be issued for it."
    ]
    _nothing_saved()


def test_the_newest_certificate_counts_not_an_older_valid_one(product_x, producer_x):
    today = timezone.localdate()
    certify(product_x, issued=today - datetime.timedelta(days=300))
    certify(product_x, issued=today - datetime.timedelta(days=10), status=CertificateStatus.REVOKED)
    with pytest.raises(ValidationError, match="revoked"):
        request_stamps(product=product_x, quantity=10, by=producer_x)
    _nothing_saved()


def test_an_expiring_certificate_still_allows_stamps(product_x, producer_x):
    today = timezone.localdate()
    certify(
        product_x,
        issued=today - datetime.timedelta(days=1080),
        valid_until=today + datetime.timedelta(days=5),
    )
    assert request_stamps(product=product_x, quantity=1, by=producer_x).quantity == 1


@pytest.mark.parametrize(
    "who", ["producer_y", "province_officer", "central", "advisory", "anonymous"]
)
def test_only_the_producer_side_may_request(who, certified_x, subject_y, province_officer):
    from django.contrib.auth.models import AnonymousUser

    users = {
        "producer_y": lambda: user_with_role(Role.PRODUCER, subject=subject_y),
        "province_officer": lambda: province_officer,
        "central": lambda: user_with_role(Role.CENTRAL_OFFICER),
        "advisory": lambda: user_with_role(Role.ADVISORY_TEAM, unit=province("38")),
        "anonymous": AnonymousUser,
    }
    with pytest.raises(PermissionDenied) as caught:
        request_stamps(product=certified_x, quantity=10, by=users[who]())
    assert str(caught.value) == (
        "Only the subject's own people (or its commune officer) can request its stamps."
    )
    _nothing_saved()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "Request between 1 and 1,000 stamps at a time."),
        (-5, "Request between 1 and 1,000 stamps at a time."),
        (1001, "Request between 1 and 1,000 stamps at a time."),
        ("12", "Give the number of stamps as a whole number."),
        (2.5, "Give the number of stamps as a whole number."),
        (True, "Give the number of stamps as a whole number."),
    ],
)
def test_quantity_outside_the_limits_is_refused(
    quantity, message, certified_x, producer_x, settings
):
    settings.OCOP_STAMPS_MAX_PER_REQUEST = 1000
    with pytest.raises(ValidationError) as caught:
        request_stamps(product=certified_x, quantity=quantity, by=producer_x)
    assert caught.value.message_dict == {"quantity": [message]}
    _nothing_saved()


def test_the_default_maximum_is_a_hundred_thousand(certified_x, producer_x, settings):
    assert settings.OCOP_STAMPS_MAX_PER_REQUEST == 100_000
    with pytest.raises(ValidationError) as caught:
        request_stamps(product=certified_x, quantity=100_001, by=producer_x)
    assert caught.value.message_dict == {
        "quantity": ["Request between 1 and 100,000 stamps at a time."]
    }


def test_a_production_batch_of_another_product_is_refused(certified_x, product_y, producer_x):
    other = ProductionBatchFactory(product=product_y)
    with pytest.raises(ValidationError) as caught:
        request_stamps(product=certified_x, quantity=10, production_batch=other, by=producer_x)
    assert caught.value.message_dict == {
        "production_batch": ["This production batch is not a batch of this product."]
    }
    _nothing_saved()


# Transitions ------------------------------------------------------------------------


@pytest.fixture
def requested(certified_x, producer_x):
    return request_stamps(product=certified_x, quantity=25, by=producer_x)


def test_the_transition_table_is_explicit():
    assert [(t.action, tuple(t.sources), t.target, t.needs_reason) for t in TRANSITIONS] == [
        ("approve", (RequestState.REQUESTED,), RequestState.APPROVED, False),
        ("reject", (RequestState.REQUESTED,), RequestState.REJECTED, True),
        ("cancel", (RequestState.REQUESTED,), RequestState.CANCELLED, False),
    ]


def test_an_officer_of_the_province_approves_and_serials_are_allocated(
    requested, province_officer, producer_x, certificate_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = set_batch_state(batch=requested, action="approve", by=province_officer)
    assert (batch.state, batch.decided_by, batch.certificate) == (
        RequestState.APPROVED,
        province_officer,
        certificate_x,
    )
    assert (batch.series, batch.first_number, batch.last_number) == ("38", 1, 25)
    serials = list(
        Stamp.objects.filter(batch=batch).order_by("serial").values_list("serial", flat=True)
    )
    assert serials == [format_serial("38", n) for n in range(1, 26)]
    assert {s.state for s in Stamp.objects.filter(batch=batch)} == {StampState.ACTIVE}
    assert SerialCounter.objects.get(series="38").next_number == 26
    stored = StampBatch.objects.get(pk=batch.pk)
    assert (stored.state, stored.first_number, stored.last_number) == (RequestState.APPROVED, 1, 25)
    entry = ActivityLog.objects.get(action="ocop.stamp_batch.approved")
    assert (entry.actor, entry.data["first"], entry.data["last"]) == (
        province_officer,
        format_serial("38", 1),
        format_serial("38", 25),
    )
    note = Notification.objects.get(user=producer_x)
    assert note.text == (
        "Your request for 25 OCOP stamps for “Nước mắm cá cơm Làng X” is approved: serials "
        f"{format_serial('38', 1)} to {format_serial('38', 25)}."
    )
    assert note.url == f"/stamps/{batch.pk}/"


def test_central_office_approves_anywhere(requested):
    central = user_with_role(Role.CENTRAL_OFFICER)
    assert set_batch_state(batch=requested, action="approve", by=central).state == "approved"


def test_a_centrally_recognised_product_gets_the_national_series(product_x, producer_x):
    certify(product_x, star=5, level=AuthorityLevel.CENTRAL)
    central = user_with_role(Role.CENTRAL_OFFICER)
    batch = approved_batch(product=product_x, producer=producer_x, officer=central, quantity=3)
    assert (batch.series, batch.first_number, batch.last_number) == ("00", 1, 3)
    assert Stamp.objects.filter(batch=batch).first().serial.startswith("00-")


@pytest.mark.parametrize("who", ["producer", "commune", "advisory", "other_province"])
def test_others_cannot_approve_and_nothing_changes(who, requested, producer_x, officer_x):
    users = {
        "producer": lambda: producer_x,
        "commune": lambda: officer_x,
        "advisory": lambda: user_with_role(Role.ADVISORY_TEAM, unit=province("38")),
        "other_province": lambda: province_officer_of("01"),
    }
    with pytest.raises(PermissionDenied):
        set_batch_state(batch=requested, action="approve", by=users[who]())
    stored = StampBatch.objects.get(pk=requested.pk)
    assert (stored.state, stored.decided_by, Stamp.objects.count()) == ("requested", None, 0)
    assert not SerialCounter.objects.filter(series="38", next_number__gt=1).exists()


def test_rejecting_needs_a_reason(
    requested, province_officer, producer_x, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as caught:
        set_batch_state(batch=requested, action="reject", by=province_officer, reason="  ")
    assert caught.value.messages == ["Say why the request is rejected."]
    assert StampBatch.objects.get(pk=requested.pk).state == "requested"
    with django_capture_on_commit_callbacks(execute=True):
        batch = set_batch_state(
            batch=requested, action="reject", by=province_officer, reason="Số lượng quá lớn"
        )
    assert (batch.state, batch.reason, Stamp.objects.count()) == ("rejected", "Số lượng quá lớn", 0)
    assert Notification.objects.get(user=producer_x).text.endswith("is rejected: Số lượng quá lớn")


def test_the_requester_cancels_while_it_waits(requested, producer_x, province_officer):
    with pytest.raises(PermissionDenied):
        set_batch_state(batch=requested, action="cancel", by=province_officer)
    batch = set_batch_state(batch=requested, action="cancel", by=producer_x)
    assert batch.state == RequestState.CANCELLED
    assert ActivityLog.objects.filter(action="ocop.stamp_batch.cancelled").count() == 1


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("approve", "approve"),
        ("approve", "reject"),
        ("approve", "cancel"),
        ("reject", "approve"),
        ("cancel", "approve"),
        ("cancel", "cancel"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    first, then, requested, producer_x, province_officer
):
    actor = {"cancel": producer_x}.get(first, province_officer)
    set_batch_state(batch=requested, action=first, by=actor, reason="lý do")
    before = StampBatch.objects.get(pk=requested.pk)
    count = Stamp.objects.count()
    actor = {"cancel": producer_x}.get(then, province_officer)
    with pytest.raises(ValidationError) as caught:
        set_batch_state(batch=requested, action=then, by=actor, reason="lý do")
    assert caught.value.messages[0].startswith(
        f"A stamp request that is “{RequestState(before.state).label}” cannot be"
    )
    after = StampBatch.objects.get(pk=requested.pk)
    assert (after.state, after.decided_at, Stamp.objects.count()) == (
        before.state,
        before.decided_at,
        count,
    )


def test_an_unknown_action_is_refused(requested, province_officer):
    with pytest.raises(ValidationError, match="Unknown action"):
        set_batch_state(batch=requested, action="issue", by=province_officer)


def test_approval_checks_the_certificate_again(requested, certificate_x, province_officer):
    certificate_x.status = CertificateStatus.REVOKED
    certificate_x.save()
    with pytest.raises(ValidationError, match="revoked"):
        set_batch_state(batch=requested, action="approve", by=province_officer)
    stored = StampBatch.objects.get(pk=requested.pk)
    assert (stored.state, stored.series, Stamp.objects.count()) == ("requested", "", 0)
    assert SerialCounter.objects.filter(series="38").values_list(
        "next_number", flat=True
    ).first() in (
        None,
        1,
    )


def test_buttons_offered_match_the_rules(requested, producer_x, province_officer, officer_x):
    assert [t.action for t in available(requested, province_officer)] == ["approve", "reject"]
    assert [t.action for t in available(requested, producer_x)] == ["cancel"]
    assert [t.action for t in available(requested, officer_x)] == []


# Allocation --------------------------------------------------------------------------


def test_sequential_batches_get_contiguous_non_overlapping_serials(
    certified_x, product_y, producer_x, province_officer
):
    producer_y = user_with_role(Role.PRODUCER, subject=product_y.subject)
    certify(product_y)
    sizes = [
        (certified_x, producer_x, 7),
        (product_y, producer_y, 40),
        (certified_x, producer_x, 1),
    ]
    batches = [
        approved_batch(product=p, producer=u, officer=province_officer, quantity=n)
        for p, u, n in sizes
    ]
    assert [(b.first_number, b.last_number) for b in batches] == [(1, 7), (8, 47), (48, 48)]
    for batch in batches:
        numbers = sorted(
            parse_serial(s).number for s in batch.stamps.values_list("serial", flat=True)
        )
        assert numbers == list(range(batch.first_number, batch.last_number + 1))
    assert Stamp.objects.count() == len(set(Stamp.objects.values_list("serial", flat=True))) == 48


def test_tokens_are_unique_unguessable_and_unrelated_to_serials(
    certified_x, producer_x, province_officer
):
    batch = approved_batch(
        product=certified_x, producer=producer_x, officer=province_officer, quantity=200
    )
    stamps = list(Stamp.objects.filter(batch=batch).order_by("serial"))
    tokens = [s.token for s in stamps]
    assert len(set(tokens)) == 200
    assert {len(t) for t in tokens} == {TOKEN_LENGTH} == {20}
    assert set("".join(tokens)) <= set(TOKEN_ALPHABET)
    # Issue order says nothing about the tokens: sorting by token shuffles the serials.
    by_token = [s.serial for s in sorted(stamps, key=lambda s: s.token)]
    assert by_token != [s.serial for s in stamps]
    assert by_token != [s.serial for s in reversed(stamps)]
    # Consecutive stamps share no prefix and agree position-wise only by chance
    # (1/62 per character): nothing to step from one stamp to the next.
    pairs = list(itertools.pairwise(tokens))
    assert max(len(_common_prefix(a, b)) for a, b in pairs) <= 3  # ≥ 4: p ≈ 1e-5
    same = sum(x == y for a, b in pairs for x, y in zip(a, b, strict=True))
    assert same < 0.05 * 20 * len(pairs)  # expected ≈ 1.6 %
    # No token contains its serial's number, in any form.
    for stamp in stamps:
        number = f"{parse_serial(stamp.serial).number:08d}"
        assert number not in stamp.token
        assert stamp.serial.replace("-", "") not in stamp.token


def _common_prefix(a: str, b: str) -> str:
    prefix = ""
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += x
    return prefix


def test_the_same_serial_number_in_another_series_has_an_unrelated_token(
    product_x, product_y, producer_x, province_officer
):
    certify(product_x)
    certify(product_y, star=5, level=AuthorityLevel.CENTRAL)
    producer_y = user_with_role(Role.PRODUCER, subject=product_y.subject)
    central = user_with_role(Role.CENTRAL_OFFICER)
    a = approved_batch(product=product_x, producer=producer_x, officer=province_officer, quantity=5)
    b = approved_batch(product=product_y, producer=producer_y, officer=central, quantity=5)
    for x, y in zip(a.stamps.order_by("serial"), b.stamps.order_by("serial"), strict=True):
        assert parse_serial(x.serial).number == parse_serial(y.serial).number
        assert x.token != y.token


# Voiding -----------------------------------------------------------------------------


@pytest.fixture
def issued(certified_x, producer_x, province_officer):
    return approved_batch(
        product=certified_x, producer=producer_x, officer=province_officer, quantity=10
    )


def _states(batch):
    return dict(batch.stamps.values_list("serial", "state"))


def test_voiding_one_stamp_typed_loosely(issued, province_officer):
    serial = format_serial("38", 4)
    typed = " " + serial.replace("-", " ").lower()
    assert (
        void_stamps(batch=issued, serials=[typed], reason="Tem in hỏng", by=province_officer) == 1
    )
    stamp = Stamp.objects.get(serial=serial)
    assert (stamp.state, stamp.void_reason, stamp.voided_by) == (
        StampState.VOIDED,
        "Tem in hỏng",
        province_officer,
    )
    assert stamp.voided_at is not None
    assert list(Stamp.objects.filter(state="voided").values_list("serial", flat=True)) == [serial]
    entry = ActivityLog.objects.get(action="ocop.stamp.voided")
    assert (entry.data["count"], entry.data["serials"], entry.data["whole_batch"]) == (
        1,
        [serial],
        False,
    )


def test_the_producer_voids_several_of_its_own_stamps_from_text_lines(issued, producer_x):
    text = f"{format_serial('38', 2)}\n\n{format_serial('38', 3)}\n{format_serial('38', 2)}\n"
    assert void_stamps(batch=issued, serials=text, reason="Mất cuộn tem", by=producer_x) == 2
    assert sorted(s for s, state in _states(issued).items() if state == "voided") == [
        format_serial("38", 2),
        format_serial("38", 3),
    ]


def test_voiding_the_whole_batch_leaves_already_voided_stamps_alone(issued, province_officer):
    void_stamps(batch=issued, serials=[format_serial("38", 1)], reason="hỏng", by=province_officer)
    assert void_stamps(batch=issued, reason="Lô hàng bị thu hồi", by=province_officer) == 9
    assert set(_states(issued).values()) == {"voided"}
    assert Stamp.objects.get(serial=format_serial("38", 1)).void_reason == "hỏng"
    with pytest.raises(ValidationError, match="no active stamp left"):
        void_stamps(batch=issued, reason="again", by=province_officer)


def test_voiding_needs_a_reason(issued, province_officer):
    with pytest.raises(ValidationError) as caught:
        void_stamps(batch=issued, serials=[format_serial("38", 1)], reason=" ", by=province_officer)
    assert caught.value.messages == ["Say why the stamps are voided."]
    assert set(_states(issued).values()) == {"active"}


def test_a_bad_or_foreign_serial_voids_nothing(issued, province_officer):
    good = format_serial("38", 1)
    outside = format_serial("38", 11)
    mistyped = good[:-1] + ("A" if good[-1] != "A" else "C")
    with pytest.raises(ValidationError) as caught:
        void_stamps(batch=issued, serials=[good, outside], reason="x", by=province_officer)
    assert caught.value.messages == [f"Not an active stamp of this batch: {outside}."]
    with pytest.raises(ValidationError) as caught:
        void_stamps(batch=issued, serials=[good, mistyped], reason="x", by=province_officer)
    assert caught.value.messages[0].startswith(f"The check letter of “{mistyped}” does not match")
    assert set(_states(issued).values()) == {"active"}
    void_stamps(batch=issued, serials=[good], reason="x", by=province_officer)
    with pytest.raises(ValidationError, match="Not an active stamp"):
        void_stamps(batch=issued, serials=[good], reason="x", by=province_officer)


def test_others_cannot_void(issued, subject_y):
    for user in (
        user_with_role(Role.PRODUCER, subject=subject_y),
        province_officer_of("01"),
        user_with_role(Role.ADVISORY_TEAM, unit=province("38")),
    ):
        with pytest.raises(PermissionDenied):
            void_stamps(batch=issued, reason="x", by=user)
    assert set(_states(issued).values()) == {"active"}


def test_only_an_approved_batch_has_stamps_to_void(requested, province_officer):
    with pytest.raises(ValidationError, match="approved batch"):
        void_stamps(batch=requested, reason="x", by=province_officer)
