"""Dossiers ready for each step, built through the domain functions."""

from datetime import date, timedelta

from django.utils import timezone

from ocop.cycles.domain import dossiers as dossier_domain
from ocop.producers.models import EvidenceDocument
from ocop.products.models import ProductCategory


def give_documents(subject, *, food_safety_expires=None, today=None):
    """The documents a food product's dossier needs, valid unless told."""
    today = today or timezone.localdate()
    rows = [
        ("business_registration", "2801234567", None),
        ("food_safety", "ATTP-01", food_safety_expires or today + timedelta(days=400)),
        ("quality_declaration", "CB-01", None),
    ]
    return [
        EvidenceDocument.objects.create(
            subject=subject,
            doc_type=doc_type,
            number=number,
            issued_on=date(2020, 1, 1),
            expires_on=expires,
        )
        for doc_type, number, expires in rows
    ]


def answer_all(dossier, by, *, commune=False):
    """Answer every criterion (or the commune's local ones) with the best option."""
    criteria = dossier.sheet.criteria.prefetch_related("options")
    for criterion in criteria:
        if commune and not criterion.commune_assessed:
            continue
        options = sorted(criterion.options.all(), key=lambda o: o.points)
        chosen = [o.code for o in options] if criterion.kind == "multi" else [options[-1].code]
        if commune:
            dossier_domain.save_commune_assessment(
                dossier=dossier, by=by, criterion_code=criterion.code, options=chosen
            )
        else:
            dossier_domain.save_self_assessment(
                dossier=dossier, by=by, criterion_code=criterion.code, options=chosen
            )


def ready_dossier(*, product, producer, set_code="I.4.a", **documents):
    """A draft dossier of ``product`` that can be submitted."""
    product.category = ProductCategory.objects.get(code=set_code)
    product.save()
    give_documents(product.subject, **documents)
    dossier = dossier_domain.create_dossier(product=product, by=producer)
    answer_all(dossier, producer)
    return dossier


def commune_checked(dossier, officer):
    """The commune's report, local criteria and samples recorded."""
    answer_all(dossier, officer, commune=True)
    return dossier_domain.record_commune_check(
        dossier=dossier,
        by=officer,
        report="Hồ sơ đầy đủ; sản phẩm sử dụng nguyên liệu địa phương.",
        samples_received_on=timezone.localdate(),
        samples_received_by="Nguyễn Văn A",
        samples_quantity=5,
    )
