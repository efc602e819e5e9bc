"""One record of an exchange package per row, as plain JSON values (ISO 8601
dates, decimals as strings). The same functions serialise a province's rows
for its package and the centre's replicas for ``state``, so the two can be
compared field by field."""

KINDS = ("subjects", "products", "decisions", "certificates", "revocations")


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _stamp(value) -> str:
    return value.isoformat(timespec="microseconds") if value is not None else ""


def subject_record(subject, *, ref: str) -> dict:
    return {
        "ref": ref,
        "name": subject.name,
        "legal_form": subject.legal_form,
        "registration_number": subject.registration_number or "",
        "commune_code": subject.commune.code,
        "address": subject.address,
        "updated": _stamp(subject.updated_at),
    }


def product_record(product, *, ref: str, subject_ref: str) -> dict:
    return {
        "ref": ref,
        "national_code": product.national_code,
        "subject_ref": subject_ref,
        "name": product.name,
        "category_code": product.category.code if product.category_id else "",
        "gtin": product.gtin,
        "commune_code": product.commune.code,
        "status": product.status,
        "star": product.star,
        "certified_until": _iso(product.certified_until),
        "updated": _stamp(product.updated_at),
    }


def decision_record(decision, *, ref: str) -> dict:
    return {
        "ref": ref,
        "number": decision.number,
        "date": _iso(decision.date),
        "title": decision.title,
        "authority": decision.authority,
        "level": decision.level,
        "legal_basis": decision.legal_basis,
        "signer_name": decision.signer_name,
        "signer_title": decision.signer_title,
        "updated": _stamp(decision.issued_at),
    }


def certificate_updated(certificate) -> str:
    stamps = [s for s in (certificate.created_at, certificate.status_changed_at) if s]
    return _stamp(max(stamps)) if stamps else ""


def certificate_record(
    certificate, *, ref: str, product_ref: str, decision_ref: str, superseded_by_ref: str
) -> dict:
    return {
        "ref": ref,
        "number": certificate.number,
        "product_ref": product_ref,
        "star": certificate.star,
        "score": str(certificate.score) if certificate.score is not None else None,
        "decision_ref": decision_ref,
        "decision_number": certificate.decision_number,
        "decision_date": _iso(certificate.decision_date),
        "authority_level": certificate.authority_level,
        "valid_until": _iso(certificate.valid_until),
        "legal_basis": certificate.legal_basis,
        "source": certificate.source,
        "status": certificate.status,
        "superseded_by_ref": superseded_by_ref,
        "updated": certificate_updated(certificate),
    }


def revocation_record(revocation, *, ref: str, certificate_ref: str) -> dict:
    return {
        "ref": ref,
        "certificate_ref": certificate_ref,
        "ground_code": revocation.ground.code,
        "decision_number": revocation.decision_number,
        "decision_date": _iso(revocation.decision_date),
        "authority": revocation.authority,
        "details": revocation.details,
        "updated": _stamp(revocation.at),
    }


def without_stamp(record: dict) -> dict:
    """The record without its ``updated`` time: what the centre must hold."""
    return {k: v for k, v in record.items() if k != "updated"}
