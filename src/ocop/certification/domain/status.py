"""The live status of a certificate on a given day.

The stored status says revoked / superseded / expired (the periodic job marks
expiry); "expires soon" is never stored. A certificate whose date has passed
reads as expired even before the periodic job has run, so no page ever shows
an expired certificate as valid. A certificate with no end date (recorded
without its decision date) is "validity not determined", never "valid".
"""

from datetime import date

from ..enums import CertificateStatus, LiveStatus
from ..models import Certificate, CertificationRule
from .rules import NoRuleInForce, rule_on


def live_status(
    certificate: Certificate,
    *,
    today: date,
    table: list[CertificationRule] | None = None,
) -> LiveStatus:
    if certificate.status == CertificateStatus.REVOKED:
        return LiveStatus.REVOKED
    if certificate.status == CertificateStatus.SUPERSEDED:
        return LiveStatus.SUPERSEDED
    until = certificate.valid_until
    if certificate.status == CertificateStatus.EXPIRED or (until is not None and until < today):
        return LiveStatus.EXPIRED
    if until is None:
        return LiveStatus.UNDETERMINED
    if until is not None:
        issued = certificate.decision_date or today
        try:
            window = rule_on(issued, table=table).expiring_days
        except NoRuleInForce:
            window = 0
        if (until - today).days <= window:
            return LiveStatus.EXPIRING
    return LiveStatus.VALID


def is_in_force(status: LiveStatus) -> bool:
    """Valid or expiring: the product may carry the OCOP logo and stars."""
    return status in (LiveStatus.VALID, LiveStatus.EXPIRING)
