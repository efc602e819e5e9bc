"""The official report tables: pick a unit and period, read the tables and
sentences, download the XLSX or the Decree 30 PDF."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from ocop.core.downloads import bytes_response
from ocop.core.pdf import render_pdf

from .domain.report import build_report
from .domain.report_xlsx import report_xlsx, title
from .forms import ReportForm
from .rules import report_units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request):
    units = report_units(request.user)
    if not units:
        raise PermissionDenied
    data = request.GET.copy()
    data.setdefault("kind", "year")
    data.setdefault("year", str(timezone.localdate().year))
    form = ReportForm(data, units=units)
    if not form.is_valid():
        return form, None
    report = build_report(
        unit=form.chosen_unit(),
        kind=form.cleaned_data["kind"],
        year=form.cleaned_data["year"],
        user=request.user,
    )
    return form, report


def _filename(report, extension: str) -> str:
    code = report.unit.code if report.unit is not None else "toan-quoc"
    return f"bao-cao-ocop-{code}-{report.kind}-{report.year}.{extension}"


def report_page(request):
    form, report = _report(request)
    return render(
        request,
        "stats/report.html",
        {"form": form, "report": report, "query": request.GET.urlencode(), "nav_active": "stats"},
    )


def report_download_xlsx(request):
    _form, report = _report(request)
    if report is None:
        return report_page(request)
    return bytes_response(
        report_xlsx(report), filename=_filename(report, "xlsx"), content_type=XLSX
    )


def report_download_pdf(request):
    _form, report = _report(request)
    if report is None:
        return report_page(request)
    issuer = (
        f"UBND {report.unit.full_name.upper()}"
        if report.unit is not None
        else "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    )
    context = {
        "issuer_parent": issuer,
        "issuer": "VĂN PHÒNG ĐIỀU PHỐI CHƯƠNG TRÌNH OCOP",
        "number": "……/BC-VPĐP",
        "place": report.unit.name if report.unit is not None else "Hà Nội",
        "date": timezone.localdate(),
        "title": title(report),
        "report": report,
        "signer_title": "CHÁNH VĂN PHÒNG",
        "signer_name": "",
    }
    return bytes_response(
        render_pdf("stats/pdf/report.html", context),
        filename=_filename(report, "pdf"),
        content_type="application/pdf",
    )
