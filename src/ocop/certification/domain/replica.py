"""The centre's copies of a province's recognition decisions, certificates
and revocations, written by an exchange import (``ocop.exchange``) with the
province's values (the province issued them; the centre records them)."""

from ocop.certification.models import Certificate, Decision, Revocation


def _save(obj, values: dict, exclude=()):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=list(exclude))
    obj.save()
    return obj


def save_decision_replica(*, decision: Decision | None, values: dict) -> Decision:
    return _save(
        decision or Decision(), values, exclude=["created_by", "issued_by", "session", "rule"]
    )


def save_certificate_replica(*, certificate: Certificate | None, values: dict) -> Certificate:
    return _save(certificate or Certificate(), values, exclude=["superseded_by"])


def set_superseded_by(*, certificate: Certificate, superseding: Certificate | None) -> None:
    if certificate.superseded_by_id != (superseding.pk if superseding else None):
        certificate.superseded_by = superseding
        certificate.save(update_fields=["superseded_by"])


def save_revocation_replica(*, revocation: Revocation | None, values: dict) -> Revocation:
    return _save(revocation or Revocation(), values)
