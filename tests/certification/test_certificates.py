"""Certificates after issue: expiry (job and live status), the notice before
expiry, revocation by the recognising authority, and imported history."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from ocop.certification.domain.certificates import (
    expire_due,
    notify_expiring,
    revoke,
    supersede_older,
)
from ocop.certification.domain.status import live_status
from ocop.certification.enums import CertificateStatus, LiveStatus
from ocop.certification.models import Certificate, CertificationRule, Revocation, RevocationGround
from ocop.core.domain.activity import history_for
from ocop.core.models import Notification, SentReminder
from ocop.criteria.enums import EvaluationLevel
from ocop.products.enums import OcopStatus
from ocop.products.models import Product
from tests.factories.certification import (
    BEST,
    closed_session,
    imported_certificate,
    issued_decision,
)
from tests.factories.geo import province
from tests.factories.registry import ProductFactory, SubjectFactory

pytestmark = pytest.mark.django_db

ISSUED = date(2025, 9, 30)
EXPIRY = date(2028, 9, 30)


@pytest.fixture
def english():
    translation.activate("en")


@pytest.fixture
def issued(closed, province_officer):
    return issued_decision(session=closed, by=province_officer, day=ISSUED)


@pytest.fixture
def certificate(issued, product_x):
    return Certificate.objects.get(product=product_x)


def ground(code="safety_or_process_violation"):
    return RevocationGround.objects.get(code=code)


# Expiry --------------------------------------------------------------------------


def test_the_expiry_job_marks_certificates_and_products_expired_once(issued, product_x, product_y):
    assert expire_due(today=EXPIRY).as_dict() == {
        "certificates_expired": 0,
        "products_expired": 0,
    }
    after = EXPIRY + timedelta(days=1)
    assert expire_due(today=after).as_dict() == {
        "certificates_expired": 2,
        "products_expired": 2,
    }
    assert set(Certificate.objects.values_list("status", flat=True)) == {"expired"}
    assert set(
        Product.objects.filter(pk__in=[product_x.pk, product_y.pk]).values_list("status", flat=True)
    ) == {OcopStatus.EXPIRED}
    certificate = Certificate.objects.get(product=product_x)
    assert [(e.action, e.actor) for e in history_for(certificate)] == [
        ("ocop.certificate.expired", None),
        ("ocop.certificate.issued", certificate.decision.issued_by),
    ]
    # Idempotent: a second run finds nothing and logs nothing.
    assert expire_due(today=after).as_dict() == {
        "certificates_expired": 0,
        "products_expired": 0,
    }
    assert history_for(certificate).count() == 2


def test_a_lapsed_certificate_reads_expired_before_the_job_runs(certificate):
    assert live_status(certificate, today=EXPIRY) == LiveStatus.EXPIRING
    assert live_status(certificate, today=EXPIRY + timedelta(days=1)) == LiveStatus.EXPIRED
    assert certificate.status == CertificateStatus.VALID


def test_the_expiring_window_is_data(certificate):
    before = EXPIRY - timedelta(days=45)
    assert live_status(certificate, today=before) == LiveStatus.VALID
    CertificationRule.objects.filter(code="148-36m").update(expiring_days=60)
    assert live_status(certificate, today=before) == LiveStatus.EXPIRING


def test_a_product_with_another_standing_certificate_does_not_expire(product_x):
    imported_certificate(
        product_x, star=3, decision_date=date(2021, 1, 5), valid_until=date(2024, 1, 5)
    )
    newer = imported_certificate(
        product_x,
        star=4,
        decision_number="9/QĐ-UBND",
        decision_date=date(2024, 6, 1),
        valid_until=date(2027, 6, 1),
    )
    Product.objects.filter(pk=product_x.pk).update(
        status=OcopStatus.CERTIFIED, star=4, certified_until=newer.valid_until
    )
    counts = expire_due(today=date(2025, 1, 1))
    assert (counts.certificates_expired, counts.products_expired) == (1, 0)
    product_x.refresh_from_db()
    assert product_x.status == OcopStatus.CERTIFIED


def test_run_periodic_expires_and_gives_notice_on_the_real_day(product_x, product_y, producer_x):
    today = timezone.localdate()
    lapsed = imported_certificate(
        product_y, decision_date=today - timedelta(days=1100), valid_until=today - timedelta(days=1)
    )
    Product.objects.filter(pk=product_y.pk).update(
        status=OcopStatus.CERTIFIED, star=3, certified_until=lapsed.valid_until
    )
    soon = imported_certificate(
        product_x,
        decision_date=today - timedelta(days=1000),
        valid_until=today + timedelta(days=10),
    )
    call_command("run_periodic", "--force", stdout=io.StringIO())
    lapsed.refresh_from_db()
    soon.refresh_from_db()
    assert (lapsed.status, soon.status) == (CertificateStatus.EXPIRED, CertificateStatus.VALID)
    assert Product.objects.get(pk=product_y.pk).status == OcopStatus.EXPIRED
    assert SentReminder.objects.filter(key__startswith=f"certificate:{soon.pk}:").count() == 1
    assert Notification.objects.filter(user=producer_x).count() == 1
    call_command("run_periodic", "--force", stdout=io.StringIO())
    assert Notification.objects.filter(user=producer_x).count() == 1


# Notice before expiry ---------------------------------------------------------------


def test_the_subject_is_told_notice_days_before_expiry_once(issued, producer_x, product_x):
    issued_notes = set(Notification.objects.values_list("pk", flat=True))
    notice = EXPIRY - timedelta(days=30)
    assert notify_expiring(today=notice - timedelta(days=1)) == 0
    assert notify_expiring(today=notice) == 2  # both products of the decision
    assert notify_expiring(today=notice) == 0
    assert notify_expiring(today=notice + timedelta(days=5)) == 0
    notes = list(Notification.objects.exclude(pk__in=issued_notes).filter(user=producer_x))
    certificate = Certificate.objects.get(product=product_x)
    assert [(n.url, "30/09/2028" in n.text) for n in notes] == [
        (f"/certification/certificates/{certificate.pk}/", True)
    ]
    keys = SentReminder.objects.filter(key__startswith=f"certificate:{certificate.pk}:")
    assert list(keys.values_list("key", flat=True)) == [
        f"certificate:{certificate.pk}:expiry:2028-09-30"
    ]
    assert [e.action for e in history_for(certificate)] == [
        "ocop.certificate.expiry_notice",
        "ocop.certificate.issued",
    ]


def test_the_notice_period_is_data(issued, producer_x):
    CertificationRule.objects.filter(code="148-36m").update(notice_days=60)
    assert notify_expiring(today=EXPIRY - timedelta(days=61)) == 0
    assert notify_expiring(today=EXPIRY - timedelta(days=60)) == 2


def test_no_notice_for_a_superseded_or_revoked_certificate(product_x):
    soon = timezone.localdate() + timedelta(days=10)
    imported_certificate(product_x, status=CertificateStatus.REVOKED, valid_until=soon)
    imported_certificate(
        product_x, decision_number="2/QĐ", status=CertificateStatus.SUPERSEDED, valid_until=soon
    )
    assert notify_expiring(today=timezone.localdate()) == 0


# Revocation ------------------------------------------------------------------------


def test_the_province_revokes_its_certificate_and_the_product_shows_revoked(
    certificate, province_officer, product_x, producer_x
):
    revocation = revoke(
        certificate=certificate,
        ground=ground(),
        decision_number="345/QĐ-UBND",
        decision_date=date(2026, 3, 2),
        details="Đoàn kiểm tra phát hiện vi phạm an toàn thực phẩm.",
        by=province_officer,
    )
    certificate.refresh_from_db()
    product_x.refresh_from_db()
    assert (certificate.status, product_x.status) == (
        CertificateStatus.REVOKED,
        OcopStatus.REVOKED,
    )
    assert (revocation.authority, revocation.decision_number, revocation.by) == (
        "Ủy ban nhân dân tỉnh Thanh Hóa",
        "345/QĐ-UBND",
        province_officer,
    )
    assert live_status(certificate, today=date(2026, 3, 3)) == LiveStatus.REVOKED
    entry = history_for(certificate).first()
    assert (entry.action, entry.data["ground"], entry.data["decision_number"]) == (
        "ocop.certificate.revoked",
        "safety_or_process_violation",
        "345/QĐ-UBND",
    )
    assert Notification.objects.filter(user=producer_x, text__contains="345/QĐ-UBND").count() == 1


def test_an_expired_certificate_can_be_revoked_for_not_being_re_evaluated(
    certificate, province_admin
):
    expire_due(today=EXPIRY + timedelta(days=1))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.EXPIRED
    # Dated in the past so that the test holds whatever today is: the
    # revocation date is only checked against the recognition date.
    revoke(
        certificate=certificate,
        ground=ground("not_reevaluated"),
        decision_number="12/QĐ-UBND",
        decision_date=date(2026, 1, 2),
        by=province_admin,
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED


@pytest.mark.parametrize(
    "who", ["other_province_officer", "central_officer", "producer_x", "officer_x"]
)
def test_other_authorities_cannot_revoke_a_province_certificate(certificate, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        revoke(
            certificate=certificate,
            ground=ground(),
            decision_number="1/QĐ",
            decision_date=date(2026, 1, 5),
            by=user,
        )
    certificate.refresh_from_db()
    assert (certificate.status, Revocation.objects.count()) == (CertificateStatus.VALID, 0)


def test_only_the_centre_revokes_a_central_certificate(
    central_officer, province_officer, product_x
):
    session = closed_session(
        officer=central_officer,
        products=[product_x],
        results={product_x.pk: BEST},
        level=EvaluationLevel.CENTRAL,
    )
    issued_decision(session=session, by=central_officer, number="2361/QĐ-BNNMT")
    certificate = Certificate.objects.get()
    arguments = {
        "ground": ground("criteria_not_met"),
        "decision_number": "10/QĐ-BNNMT",
        "decision_date": date(2026, 2, 1),
    }
    with pytest.raises(PermissionDenied):
        revoke(certificate=certificate, by=province_officer, **arguments)
    revocation = revoke(certificate=certificate, by=central_officer, **arguments)
    assert revocation.authority == "Bộ Nông nghiệp và Môi trường"


@pytest.mark.parametrize(("star", "who"), [(3, "province_officer"), (5, "central_officer")])
def test_imported_certificates_are_revoked_by_the_level_of_their_star(
    product_x, request, star, who, province_officer, central_officer
):
    certificate = imported_certificate(product_x, star=star)
    wrong = central_officer if who == "province_officer" else province_officer
    arguments = {
        "certificate": certificate,
        "ground": ground("production_stopped"),
        "decision_number": "7/QĐ",
        "decision_date": date(2025, 5, 5),
    }
    with pytest.raises(PermissionDenied):
        revoke(by=wrong, **arguments)
    revoke(by=request.getfixturevalue(who), **arguments)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED


@pytest.mark.parametrize("status", [CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED])
def test_a_revoked_or_superseded_certificate_cannot_be_revoked(
    product_x, province_officer, english, status
):
    certificate = imported_certificate(product_x, status=status)
    with pytest.raises(ValidationError) as error:
        revoke(
            certificate=certificate,
            ground=ground(),
            decision_number="7/QĐ",
            decision_date=date(2025, 5, 5),
            by=province_officer,
        )
    label = {"revoked": "revoked", "superseded": "superseded"}[status]
    assert error.value.messages == [f"A certificate that is “{label}” cannot be revoked."]
    assert Revocation.objects.count() == 0


def test_a_revocation_needs_its_number_and_a_sensible_date(certificate, province_officer, english):
    with pytest.raises(ValidationError) as error:
        revoke(
            certificate=certificate,
            ground=ground(),
            decision_number=" ",
            decision_date=date(2025, 1, 1),
            by=province_officer,
        )
    assert error.value.messages == [
        "Enter the number of the revocation decision.",
        "The revocation cannot be dated before the recognition decision.",
    ]
    with pytest.raises(ValidationError) as error:
        revoke(
            certificate=certificate,
            ground=ground(),
            decision_number="5/QĐ-UBND",
            decision_date=timezone.localdate() + timedelta(days=1),
            by=province_officer,
        )
    assert error.value.messages == ["The revocation decision cannot be dated in the future."]
    certificate.refresh_from_db()
    assert (certificate.status, Revocation.objects.count()) == (CertificateStatus.VALID, 0)


def test_revoking_one_of_two_standing_certificates_keeps_the_product_certified(
    product_x, province_officer
):
    today = timezone.localdate()
    older = imported_certificate(product_x, star=3, valid_until=today + timedelta(days=300))
    newer = imported_certificate(
        product_x,
        star=4,
        decision_number="8/QĐ-UBND",
        decision_date=date(2025, 1, 10),
        valid_until=today + timedelta(days=600),
    )
    revoke(
        certificate=newer,
        ground=ground("false_declaration"),
        decision_number="20/QĐ-UBND",
        decision_date=date(2025, 6, 1),
        by=province_officer,
    )
    product_x.refresh_from_db()
    assert (product_x.status, product_x.star, product_x.certified_until) == (
        OcopStatus.CERTIFIED,
        older.star,
        older.valid_until,
    )


# Imported history ------------------------------------------------------------------


def test_the_newest_imported_certificate_supersedes_the_older_ones(product_x, product_y):
    first = imported_certificate(
        product_x,
        star=3,
        decision_date=date(2019, 9, 1),
        valid_until=date(2022, 9, 1),
        status=CertificateStatus.EXPIRED,
    )
    second = imported_certificate(
        product_x,
        star=3,
        decision_number="2/QĐ-UBND",
        decision_date=date(2022, 9, 20),
        valid_until=date(2025, 9, 20),
        status=CertificateStatus.EXPIRED,
    )
    newest = imported_certificate(
        product_x,
        star=4,
        decision_number="3/QĐ-UBND",
        decision_date=date(2025, 10, 1),
        valid_until=date(2028, 10, 1),
    )
    revoked = imported_certificate(
        product_x,
        star=3,
        decision_number="4/QĐ-UBND",
        decision_date=date(2020, 1, 1),
        status=CertificateStatus.REVOKED,
    )
    alone = imported_certificate(product_y)
    assert supersede_older(product_ids=[product_x.pk, product_y.pk]) == 2
    rows = {c.pk: (c.status, c.superseded_by_id) for c in Certificate.objects.all()}
    assert rows == {
        first.pk: (CertificateStatus.SUPERSEDED, newest.pk),
        second.pk: (CertificateStatus.SUPERSEDED, newest.pk),
        newest.pk: (CertificateStatus.VALID, None),
        revoked.pk: (CertificateStatus.REVOKED, None),
        alone.pk: (CertificateStatus.VALID, None),
    }
    assert supersede_older(product_ids=[product_x.pk, product_y.pk]) == 0


def test_an_imported_list_supersedes_older_certificates_and_marks_lapsed_ones_expired(
    tmp_path,
):
    from ocop.registry.domain.service import run_import
    from tests.registry.files import simple_list

    thanh_hoa = province("38")
    recent = date(timezone.localdate().year - 1, 3, 20).strftime("%d/%m/%Y")
    rows = [
        [
            *[1, "Mực một nắng", "HTX Mực Hậu Lộc", "", "", "", "Xã Hậu Lộc", "Tỉnh Thanh Hóa"],
            *["I.3.d", "3 sao", "62", "1/QĐ-UBND", "15/03/2020"],
        ],
        [
            *[2, "Mực một nắng", "HTX Mực Hậu Lộc", "", "", "", "Xã Hậu Lộc", "Tỉnh Thanh Hóa"],
            *["I.3.d", "4 sao", "75", "2/QĐ-UBND", recent],
        ],
        [
            *[3, "Mắm tép", "HTX Mực Hậu Lộc", "", "", "", "Xã Hậu Lộc", "Tỉnh Thanh Hóa"],
            *["I.3.d", "3 sao", "60", "1/QĐ-UBND", "15/03/2020"],
        ],
    ]
    run_import(simple_list(tmp_path, rows), province=thanh_hoa)
    squid = Product.objects.get(name="Mực một nắng")
    old, new = squid.certificates.order_by("decision_date")
    assert (old.status, old.superseded_by, new.status) == (
        CertificateStatus.SUPERSEDED,
        new,
        CertificateStatus.VALID,
    )
    assert (squid.status, squid.star) == (OcopStatus.CERTIFIED, 4)
    paste = Product.objects.get(name="Mắm tép")
    assert paste.status == OcopStatus.EXPIRED
    assert paste.certificates.get().status == CertificateStatus.EXPIRED


def test_an_imported_certificate_fits_the_model(product_x, province_officer):
    """No decision record, no number: the live status, the revocation rule and
    the product's status work all the same."""
    subject = SubjectFactory(commune=product_x.commune)
    product = ProductFactory(subject=subject)
    certificate = imported_certificate(product, star=4, valid_until=date(2027, 4, 6))
    assert (certificate.number, certificate.decision, certificate.authority_level) == (
        "",
        None,
        "",
    )
    assert live_status(certificate, today=date(2027, 3, 20)) == LiveStatus.EXPIRING
    assert live_status(certificate, today=date(2027, 4, 7)) == LiveStatus.EXPIRED
    revoke(
        certificate=certificate,
        ground=ground("criteria_not_met"),
        decision_number="33/QĐ-UBND",
        decision_date=date(2025, 2, 2),
        by=province_officer,
    )
    product.refresh_from_db()
    assert product.status == OcopStatus.REVOKED


def test_the_level_that_revokes_an_imported_certificate_comes_from_the_recognition_rules(
    product_x,
):
    """No star is hard-coded: if the rules in force said the centre
    recognised 4★, an imported 4★ certificate would be the centre's."""
    from ocop.certification.rules import revoking_level
    from ocop.criteria.models import RecognitionRule

    certificate = imported_certificate(product_x, star=4)
    assert revoking_level(certificate) == "province"
    for rule in RecognitionRule.objects.filter(level="central"):
        rule.stars = [4, 5]
        rule.save()
    for rule in RecognitionRule.objects.exclude(level="central"):
        rule.stars = [s for s in rule.stars if int(s) != 4]
        rule.save()
    assert revoking_level(certificate) == "central"
