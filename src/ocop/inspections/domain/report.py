"""The visit report (biên bản kiểm tra) as a Decree 30/2020 PDF, in Vietnamese
whatever the user's language."""

from django.utils import translation

from ocop.core.pdf import render_pdf

from ..enums import AnswerResult, Outcome
from ..models import Visit
from .visits import revocable_certificate


def report_context(visit: Visit) -> dict:
    visit = Visit.objects.select_related(
        "province", "product__subject", "product__commune", "inspector", "checklist", "plan"
    ).get(pk=visit.pk)
    answers = {a.item_id: a for a in visit.answers.all()}
    rows = [{"item": item, "answer": answers.get(item.pk)} for item in visit.checklist.items.all()]
    province = visit.province
    return {
        "visit": visit,
        "product": visit.product,
        "certificate": revocable_certificate(visit.product_id),
        "rows": rows,
        "findings": sum(1 for a in answers.values() if a.result == AnswerResult.FINDING),
        "actions": list(visit.actions.all()),
        "photos": visit.photos.count(),
        "proposal": getattr(visit, "proposal", None),
        "outcome": Outcome(visit.outcome).label if visit.outcome else "",
        "issuer_parent": f"ỦY BAN NHÂN DÂN {province.full_name.upper()}",
        "issuer": "ĐOÀN KIỂM TRA SAU CÔNG NHẬN SẢN PHẨM OCOP",
        "number": visit.number or "……/BB-KTSCN",
        "place": province.name,
        "date": visit.visited_on or visit.scheduled_on,
        "title": "BIÊN BẢN KIỂM TRA",
        "draft": visit.state != "closed",
    }


def render_report(*, visit: Visit) -> bytes:
    with translation.override("vi"):
        return render_pdf("inspections/pdf/visit_report.html", report_context(visit))
