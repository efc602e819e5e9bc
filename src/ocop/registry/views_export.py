"""Exporting the product and subject lists (XLSX or CSV, ``?export=xlsx|csv``)
with the filters of their list pages, limited to what the reader may see."""

from django.http import Http404
from django.utils import timezone

from ocop.core.downloads import bytes_response
from ocop.producers.domain.queries import filter_subjects, subjects_visible_to
from ocop.producers.forms import SubjectFilterForm
from ocop.products.domain.queries import filter_products, products_visible_to
from ocop.products.forms import ProductListFilter
from ocop.registry.domain import exporting

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _kind(request) -> str:
    kind = request.GET.get("export", "xlsx")
    if kind not in ("xlsx", "csv", "csv-iso"):
        raise Http404
    return kind


def export_products(request):
    kind = _kind(request)
    form = ProductListFilter(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    products = filter_products(products_visible_to(request.user), filters=filters, exhaustive=True)
    name = f"san-pham-ocop-{timezone.localdate():%Y%m%d}.{kind[:4]}"
    if kind == "xlsx":
        return bytes_response(
            exporting.export_products_xlsx(products), filename=name, content_type=XLSX
        )
    body = exporting.export_products_csv(products, iso=kind == "csv-iso")
    return bytes_response(body, filename=name, content_type=CSV)


def export_subjects(request):
    kind = _kind(request)
    form = SubjectFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    subjects = filter_subjects(subjects_visible_to(request.user), filters=filters, exhaustive=True)
    name = f"chu-the-ocop-{timezone.localdate():%Y%m%d}.{kind[:4]}"
    if kind == "xlsx":
        return bytes_response(
            exporting.export_subjects_xlsx(subjects), filename=name, content_type=XLSX
        )
    body = exporting.export_subjects_csv(subjects, iso=kind == "csv-iso")
    return bytes_response(body, filename=name, content_type=CSV)
