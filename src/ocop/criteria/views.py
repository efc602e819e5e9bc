"""Criteria sheets: list, the sheet as the official scoring form, a printable
PDF and downloads (YAML, JSON, Excel) that load back unchanged."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.core.downloads import bytes_response
from ocop.core.pdf import render_pdf
from ocop.criteria.domain import excel
from ocop.criteria.domain.queries import sheet_with_tree
from ocop.criteria.domain.sheets import confirm_sheet_flags
from ocop.criteria.forms import SheetFilterForm
from ocop.criteria.models import Sheet
from ocop.criteria.rules import can_confirm_sheet_flags, can_view_criteria
from ocop.evaluation.models import AgendaItem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    "yaml": (excel.export_sheet_yaml, "application/yaml; charset=utf-8", "yaml"),
    "json": (excel.export_sheet_json, "application/json; charset=utf-8", "json"),
    "xlsx": (excel.export_sheet_xlsx, XLSX, "xlsx"),
}


def _check(request) -> None:
    if not can_view_criteria(request.user):
        raise PermissionDenied(_("Only officers and council members read the criteria sheets."))


def sheet_list(request):
    _check(request)
    form = SheetFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sheets = (
        Sheet.objects.select_related("legal_basis", "product_set", "superseded_by")
        .annotate(in_use=Exists(AgendaItem.objects.filter(sheet=OuterRef("pk"))))
        .order_by("-legal_basis__effective_from", "product_set__code", "code", "-version")
    )
    if filters.get("legal_basis"):
        sheets = sheets.filter(legal_basis=filters["legal_basis"])
    if filters.get("product_set"):
        sheets = sheets.filter(product_set=filters["product_set"])
    if filters.get("current"):
        sheets = sheets.filter(superseded_by__isnull=True)
    page = Paginator(sheets, 50).get_page(request.GET.get("page"))
    return render(
        request, "criteria/sheet_list.html", {"page": page, "form": form, "nav_active": "criteria"}
    )


def _sheet(request, pk: int) -> Sheet:
    _check(request)
    try:
        return sheet_with_tree(pk)
    except Sheet.DoesNotExist as exc:
        raise Http404 from exc


def _tree(sheet: Sheet) -> list[dict]:
    """Parts with their criteria and (nested) sections, in the sheet's order."""
    sections = list(sheet.sections.all())
    criteria = list(sheet.criteria.all())

    def section_node(section) -> dict:
        return {
            "section": section,
            "criteria": [c for c in criteria if c.section_id == section.pk],
            "sections": [section_node(s) for s in sections if s.parent_id == section.pk],
        }

    return [
        {
            "part": part,
            "criteria": [c for c in criteria if c.part_id == part.pk and c.section_id is None],
            "sections": [
                section_node(s) for s in sections if s.part_id == part.pk and s.parent_id is None
            ],
        }
        for part in sheet.parts.all()
    ]


def _context(sheet: Sheet) -> dict:
    return {
        "sheet": sheet,
        "tree": _tree(sheet),
        "conditions": list(sheet.conditions.all()),
        "bands": list(sheet.legal_basis.bands.all()),
        "in_use": sheet.agenda_items.exists(),
        "versions": Sheet.objects.filter(code=sheet.code).order_by("-version"),
    }


def sheet_detail(request, pk: int):
    sheet = _sheet(request, pk)
    return render(
        request,
        "criteria/sheet_detail.html",
        {
            **_context(sheet),
            "can_confirm": sheet.is_flagged and can_confirm_sheet_flags(request.user),
            "nav_active": "criteria",
        },
    )


@require_POST
def confirm_flags(request, pk: int):
    sheet = _sheet(request, pk)
    try:
        confirm_sheet_flags(sheet=sheet, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The correction is confirmed: scoring may open on this sheet."))
    return redirect("criteria:detail", sheet.pk)


def _filename(sheet: Sheet, extension: str) -> str:
    return f"phieu-{slugify(sheet.code.replace('.', '-'))}-v{sheet.version}.{extension}"


def sheet_pdf(request, pk: int):
    sheet = _sheet(request, pk)
    data = render_pdf("criteria/sheet_pdf.html", _context(sheet), request=request)
    return bytes_response(data, filename=_filename(sheet, "pdf"), content_type="application/pdf")


def sheet_download(request, pk: int, fmt: str):
    if fmt not in DOWNLOADS:
        raise Http404
    sheet = _sheet(request, pk)
    export, content_type, extension = DOWNLOADS[fmt]
    return bytes_response(
        export(sheet), filename=_filename(sheet, extension), content_type=content_type
    )
