"""A province's exchange package: its subjects, products, issued decisions,
certificates and revocations changed since a time, with every row they refer
to (a certificate's product and decision, a product's subject), so that each
package can be applied on its own."""

from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ocop.certification.models import Certificate, Decision, Revocation
from ocop.core.domain.activity import log_action
from ocop.producers.models import Subject
from ocop.products.models import Product

from ..models import Direction, Package
from . import records
from .package import digest, seal, signing_key


def ref(kind: str, pk) -> str:
    """A province's reference of a row: S12, P34, D5, C78, R3."""
    return f"{kind[0].upper()}{pk}" if pk else ""


def collect(*, province, since: datetime | None) -> dict[str, list[dict]]:
    """The records of ``province`` changed at or after ``since`` (all when None)."""

    def changed(*fields):
        if since is None:
            return Q()
        return Q(*[Q(**{f"{f}__gte": since}) for f in fields], _connector=Q.OR)

    certificates = list(
        Certificate.objects.filter(changed("created_at", "status_changed_at"))
        .filter(product__province=province)
        .select_related("decision")
        .order_by("pk")
    )
    revocations = list(
        Revocation.objects.filter(changed("at"), certificate__product__province=province)
        .select_related("ground", "certificate")
        .order_by("pk")
    )
    certificates += [
        r.certificate for r in revocations if r.certificate_id not in {c.pk for c in certificates}
    ]
    product_ids = {c.product_id for c in certificates}
    products = list(
        Product.objects.filter(
            Q(pk__in=product_ids) | (Q(province=province) & changed("updated_at"))
        )
        .filter(province=province)
        .select_related("category", "commune")
        .order_by("pk")
    )
    subject_ids = {p.subject_id for p in products}
    subjects = Subject.objects.filter(
        Q(pk__in=subject_ids) | (Q(province=province) & changed("updated_at"))
    ).select_related("commune")
    decision_ids = {c.decision_id for c in certificates if c.decision_id}
    decisions = Decision.objects.filter(pk__in=decision_ids, state="issued").order_by("pk")
    return {
        "subjects": [
            records.subject_record(s, ref=ref("subject", s.pk)) for s in subjects.order_by("pk")
        ],
        "products": [
            records.product_record(
                p, ref=ref("product", p.pk), subject_ref=ref("subject", p.subject_id)
            )
            for p in products
        ],
        "decisions": [records.decision_record(d, ref=ref("decision", d.pk)) for d in decisions],
        "certificates": [
            records.certificate_record(
                c,
                ref=ref("certificate", c.pk),
                product_ref=ref("product", c.product_id),
                decision_ref=ref(
                    "decision", c.decision_id if c.decision_id in decision_ids else None
                ),
                superseded_by_ref=ref("certificate", c.superseded_by_id),
            )
            for c in sorted(certificates, key=lambda c: c.pk)
        ],
        "revocations": [
            records.revocation_record(
                r, ref=ref("revocation", r.pk), certificate_ref=ref("certificate", r.certificate_id)
            )
            for r in revocations
        ],
    }


def export_package(*, province, since: datetime | None, by=None) -> bytes:
    """The signed package of ``province`` (bytes of a JSON file); recorded
    and logged."""
    now = timezone.now()
    data = collect(province=province, since=since)
    manifest = {
        "source": {
            "province_code": province.code,
            "province_name": province.full_name,
            "site": settings.SITE_URL,
        },
        "changed_since": since.isoformat() if since else None,
        "generated_at": now.isoformat(),
    }
    raw = seal(manifest=manifest, data=data, key=signing_key())
    package = Package.objects.create(
        direction=Direction.EXPORT,
        province_code=province.code,
        generated_at=now,
        changed_since=since,
        sha256=digest(data),
        counts={kind: len(rows) for kind, rows in data.items()},
        by=by,
    )
    log_action(
        action="ocop.exchange.exported",
        by=by,
        obj=package,
        unit=province,
        data={"counts": package.counts, "since": manifest["changed_since"]},
    )
    return raw


def last_export_time(*, province) -> datetime | None:
    """When this instance last made a package for ``province`` (the natural
    ``since`` of the next one)."""
    return (
        Package.objects.filter(direction=Direction.EXPORT, province_code=province.code)
        .order_by("-generated_at")
        .values_list("generated_at", flat=True)
        .first()
    )
