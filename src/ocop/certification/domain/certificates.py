"""Certificates after issue: expiry, the notice before expiry, revocation, and
the history of imported certificates.

Run by the periodic jobs in ``ocop.certification.periodic`` (daily): both are
idempotent, so running them twice does no harm. The validity period, the
"expires soon" window and the notice are data (``certification/data/rules.yaml``):
the rule in force on a certificate's decision date applies to it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.models import ActivityLog, SentReminder
from ocop.products.enums import OcopStatus
from ocop.products.models import Product

from ..enums import AuthorityLevel, CertificateSource, CertificateStatus
from ..models import Certificate, CertificationRule, Revocation, RevocationGround
from ..rules import can_revoke, revoking_level
from .decisions import authority_for, producers_of
from .rules import NoRuleInForce, rule_on, rules_table

REVOCABLE = (CertificateStatus.VALID, CertificateStatus.EXPIRED)


def in_force_q(*, today: date, prefix: str = "") -> Q:
    """Certificates that stand on ``today``: valid and not past their date (one
    without an end date, recorded without its decision date, does not stand)."""
    return Q(**{f"{prefix}status": CertificateStatus.VALID, f"{prefix}valid_until__gte": today})


# Expiry ----------------------------------------------------------------------------


@dataclass
class ExpiryCounts:
    certificates_expired: int = 0
    products_expired: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@transaction.atomic
def expire_due(*, today: date) -> ExpiryCounts:
    """Mark the certificates whose validity ended before ``today`` expired, and
    the certified products with no certificate standing any more (their
    validity date passed). Idempotent."""
    counts = ExpiryCounts()
    now = timezone.now()
    due = list(
        Certificate.objects.select_for_update(of=("self",))
        .filter(status=CertificateStatus.VALID, valid_until__lt=today)
        .select_related("product__province")
        .order_by("pk")
    )
    if due:
        Certificate.objects.filter(pk__in=[c.pk for c in due]).update(
            status=CertificateStatus.EXPIRED, status_changed_at=now
        )
    counts.certificates_expired = len(due)
    standing = Certificate.objects.filter(in_force_q(today=today), product=OuterRef("pk"))
    counts.products_expired = (
        Product.objects.filter(
            Q(pk__in=sorted({c.product_id for c in due})) | Q(certified_until__lt=today),
            status=OcopStatus.CERTIFIED,
        )
        .exclude(Exists(standing))
        .update(status=OcopStatus.EXPIRED, updated_at=now)
    )
    # One log entry per certificate, written in one query (the job may meet
    # many at once after a long pause).
    content_type = ContentType.objects.get_for_model(Certificate)
    ActivityLog.objects.bulk_create(
        [
            ActivityLog(
                action="ocop.certificate.expired",
                content_type=content_type,
                object_id=str(c.pk),
                object_repr=str(c)[:300],
                unit=c.product.province,
                data={"valid_until": c.valid_until.isoformat(), "on": today.isoformat()},
            )
            for c in due
        ]
    )
    return counts


def _reminder_key(certificate: Certificate) -> str:
    return f"certificate:{certificate.pk}:expiry:{certificate.valid_until.isoformat()}"


def notify_expiring(*, today: date) -> int:
    """Tell each subject ``notice_days`` before its certificate expires (the
    rule in force on the decision date says how many), once per certificate
    and expiry date. Returns the number of certificates notified."""
    table = rules_table()
    if not table:
        return 0
    longest = max(rule.notice_days for rule in table)
    candidates = (
        Certificate.objects.filter(
            status=CertificateStatus.VALID,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=longest),
        )
        .select_related("product__subject", "product__province")
        .order_by("valid_until", "pk")
    )
    sent = 0
    for certificate in candidates:
        try:
            rule = rule_on(certificate.decision_date or certificate.valid_until, table=table)
        except NoRuleInForce:
            continue
        if (certificate.valid_until - today).days > rule.notice_days:
            continue
        with transaction.atomic():
            _row, created = SentReminder.objects.get_or_create(key=_reminder_key(certificate))
            if not created:
                continue
            product = certificate.product
            notify(
                users=producers_of(product.subject_id),
                text=_(
                    "The OCOP certificate of “%(product)s” (%(star)s★, %(number)s) expires on "
                    "%(until)s. Apply for re-evaluation to keep the recognition."
                )
                % {
                    "product": product.name,
                    "star": certificate.star,
                    "number": certificate.number or certificate.decision_number,
                    "until": date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
                },
                url=reverse("certification:certificate", args=[certificate.pk]),
            )
            log_action(
                action="ocop.certificate.expiry_notice",
                obj=certificate,
                unit=product.province,
                data={"valid_until": certificate.valid_until.isoformat()},
            )
            sent += 1
    return sent


# Revocation ------------------------------------------------------------------------


@transaction.atomic
def revoke(
    *,
    certificate: Certificate,
    ground: RevocationGround,
    decision_number: str,
    decision_date: date,
    details: str = "",
    by,
) -> Revocation:
    """Revoke a certificate by decision of the authority that recognised its
    star; the product shows "revoked" unless another certificate stands."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("product__province", "product__subject")
        .get(pk=certificate.pk)
    )
    if not can_revoke(by, certificate):
        raise PermissionDenied(
            _("Only the authority that recognised this star (%(level)s) may revoke it.")
            % {"level": AuthorityLevel(revoking_level(certificate)).label}
        )
    if certificate.status not in REVOCABLE:
        raise ValidationError(
            _("A certificate that is “%(status)s” cannot be revoked.")
            % {"status": CertificateStatus(certificate.status).label}
        )
    decision_number = (decision_number or "").strip()
    problems = []
    if not decision_number:
        problems.append(_("Enter the number of the revocation decision."))
    today = timezone.localdate()
    if decision_date is None:
        problems.append(_("Enter the date of the revocation decision."))
    elif decision_date > today:
        problems.append(_("The revocation decision cannot be dated in the future."))
    elif certificate.decision_date and decision_date < certificate.decision_date:
        problems.append(_("The revocation cannot be dated before the recognition decision."))
    if ground is None or not ground.active:
        problems.append(_("Choose the ground for revocation."))
    if problems:
        raise ValidationError(problems)
    level = revoking_level(certificate)
    product = certificate.product
    revocation = Revocation.objects.create(
        certificate=certificate,
        ground=ground,
        decision_number=decision_number,
        decision_date=decision_date,
        authority=authority_for(level=level, unit=product.province),
        details=details.strip(),
        by=by,
    )
    old = certificate.status
    certificate.status = CertificateStatus.REVOKED
    certificate.status_changed_at = timezone.now()
    certificate.save(update_fields=["status", "status_changed_at"])
    standing = (
        Certificate.objects.filter(in_force_q(today=today), product=product)
        .order_by("-decision_date", "-pk")
        .first()
    )
    if standing is None:
        Product.objects.filter(pk=product.pk).update(
            status=OcopStatus.REVOKED, updated_at=timezone.now()
        )
    else:
        Product.objects.filter(pk=product.pk).update(
            status=OcopStatus.CERTIFIED,
            star=standing.star,
            certified_until=standing.valid_until,
            updated_at=timezone.now(),
        )
    log_action(
        action="ocop.certificate.revoked",
        by=by,
        obj=certificate,
        unit=product.province,
        data={
            "from": old,
            "to": certificate.status,
            "ground": ground.code,
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat(),
            "authority": revocation.authority,
            "details": revocation.details,
        },
    )
    notify(
        users=producers_of(product.subject_id),
        text=_(
            "The OCOP certificate of “%(product)s” (%(star)s★) is revoked by decision "
            "%(number)s of %(date)s: %(ground)s."
        )
        % {
            "product": product.name,
            "star": certificate.star,
            "number": decision_number,
            "date": date_format(decision_date, "SHORT_DATE_FORMAT"),
            "ground": ground.title,
        },
        url=reverse("certification:certificate", args=[certificate.pk]),
    )
    return revocation


# Imported history ------------------------------------------------------------------


def record_imported_certificates(*, certificates: list[Certificate], batch_size: int = 500):
    """Insert certificates read from an imported list (source "import"), with
    one bulk query per ``batch_size``; the import logs itself as a whole.
    Call ``supersede_older`` for their products afterwards."""
    if any(c.source != CertificateSource.IMPORT for c in certificates):
        raise ValueError("only imported certificates are recorded in bulk")
    Certificate.objects.bulk_create(certificates, batch_size=batch_size)


def supersede_older(*, product_ids, chunk_size: int = 500) -> int:
    """For each product, the newest certificate (by decision date) supersedes
    its older valid or expired ones: the history of an imported list, where a
    product recognised in 2020 and again in 2023 has two certificates but only
    one stands. Revoked certificates stay revoked. Bulk and idempotent;
    returns the number of certificates marked superseded."""
    product_ids = sorted(set(product_ids))
    now = timezone.now()
    changed = []
    for start in range(0, len(product_ids), chunk_size):
        by_product = defaultdict(list)
        for row in (
            Certificate.objects.filter(product_id__in=product_ids[start : start + chunk_size])
            .exclude(status=CertificateStatus.REVOKED)
            .only("pk", "product_id", "decision_date", "status", "superseded_by_id")
            .order_by("product_id", "decision_date", "pk")
        ):
            by_product[row.product_id].append(row)
        for rows in by_product.values():
            standing = [r for r in rows if r.status in REVOCABLE]
            if len(standing) < 2:
                continue
            newest = max(standing, key=lambda r: (r.decision_date or date.min, r.pk))
            for row in standing:
                if row is newest:
                    continue
                row.status = CertificateStatus.SUPERSEDED
                row.superseded_by_id = newest.pk
                row.status_changed_at = now
                changed.append(row)
    Certificate.objects.bulk_update(
        changed, ["status", "superseded_by", "status_changed_at"], batch_size=chunk_size
    )
    return len(changed)


def rules_for_display() -> list[CertificationRule]:
    """The certification rules, newest first (shown where they apply)."""
    return list(CertificationRule.objects.order_by("-effective_from"))
