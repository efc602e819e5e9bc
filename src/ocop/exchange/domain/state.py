"""What a province's records are, as the centre must hold them: the
province's own rows (``province_state``) or the centre's copies of them
(``centre_state``), serialised by the same functions without their times.
Equal states mean the centre holds exactly the province's data."""

from ocop.certification.models import Certificate, Decision, Revocation
from ocop.producers.models import Subject
from ocop.products.models import Product

from ..models import Replica
from . import records
from .export import collect


def province_state(*, province) -> dict[str, dict[str, dict]]:
    data = collect(province=province, since=None)
    return {kind: {r["ref"]: records.without_stamp(r) for r in rows} for kind, rows in data.items()}


def centre_state(*, province_code: str) -> dict[str, dict[str, dict]]:
    refs: dict[str, dict[int, str]] = {kind: {} for kind in records.KINDS}
    for replica in Replica.objects.filter(province_code=province_code):
        refs[replica.kind][replica.object_id] = replica.ref

    def ref_of(kind, pk):
        return refs[kind].get(pk, "") if pk else ""

    state = {}
    subjects = Subject.objects.filter(pk__in=refs["subjects"]).select_related("commune")
    state["subjects"] = [records.subject_record(s, ref=ref_of("subjects", s.pk)) for s in subjects]
    products = Product.objects.filter(pk__in=refs["products"]).select_related("category", "commune")
    state["products"] = [
        records.product_record(
            p, ref=ref_of("products", p.pk), subject_ref=ref_of("subjects", p.subject_id)
        )
        for p in products
    ]
    decisions = Decision.objects.filter(pk__in=refs["decisions"])
    state["decisions"] = [
        records.decision_record(d, ref=ref_of("decisions", d.pk)) for d in decisions
    ]
    certificates = Certificate.objects.filter(pk__in=refs["certificates"])
    state["certificates"] = [
        records.certificate_record(
            c,
            ref=ref_of("certificates", c.pk),
            product_ref=ref_of("products", c.product_id),
            decision_ref=ref_of("decisions", c.decision_id),
            superseded_by_ref=ref_of("certificates", c.superseded_by_id),
        )
        for c in certificates
    ]
    revocations = Revocation.objects.filter(pk__in=refs["revocations"]).select_related("ground")
    state["revocations"] = [
        records.revocation_record(
            r,
            ref=ref_of("revocations", r.pk),
            certificate_ref=ref_of("certificates", r.certificate_id),
        )
        for r in revocations
    ]
    return {
        kind: {r["ref"]: records.without_stamp(r) for r in rows} for kind, rows in state.items()
    }
