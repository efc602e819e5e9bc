"""Exporting products and subjects to Excel (.xlsx) and CSV.

The product list uses the import's layout, so an exported list can be
corrected in Excel and imported again: unchanged rows change nothing. Text
that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) is written with a leading apostrophe (``core.xlsx.escape_cell``);
the import removes it.

Rows are read in chunks (``iterator(chunk_size=…)`` with the related rows
joined or prefetched), so an export costs a fixed number of queries per
2,000 rows and the workbook is streamed (openpyxl write-only mode).
"""

import csv
import io
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ocop.certification.models import Certificate
from ocop.core.xlsx import escape_cell, table_sheet
from ocop.products.enums import OcopStatus
from ocop.registry.domain.fields import LEGAL_FORM_NAMES_VI

CHUNK_SIZE = 2000
DATE_FORMAT = "DD/MM/YYYY"

PRODUCT_HEADERS = [
    "STT",
    "Tên sản phẩm",
    "Tên chủ thể",
    "Mã số thuế",
    "Loại hình",
    "Địa chỉ",
    "Xã/phường",
    "Tỉnh",
    "Bộ sản phẩm",
    "Hạng sao",
    "Điểm",
    "Số quyết định",
    "Ngày quyết định",
    "Hiệu lực đến",
]
PRODUCT_WIDTHS = [6, 40, 40, 16, 24, 30, 24, 20, 40, 10, 8, 20, 16, 16]
# The unambiguous CSV (``iso=True``): stable English field names, ISO 8601
# dates and a decimal point, read alike by a spreadsheet in any locale.
PRODUCT_FIELDS = [
    "row",
    "product_name",
    "subject_name",
    "registration_number",
    "legal_form",
    "address",
    "commune",
    "province",
    "product_set",
    "star",
    "score",
    "decision_number",
    "decision_date",
    "valid_until",
]

SUBJECT_HEADERS = [
    "STT",
    "Tên chủ thể",
    "Mã số thuế",
    "Loại hình",
    "Người đại diện",
    "Điện thoại",
    "Email",
    "Địa chỉ",
    "Xã/phường",
    "Tỉnh",
    "Địa chỉ trước 01/7/2025",
    "Số sản phẩm",
    "Số sản phẩm OCOP",
]
SUBJECT_WIDTHS = [6, 40, 16, 24, 24, 14, 28, 30, 24, 20, 40, 10, 12]
SUBJECT_FIELDS = [
    "row",
    "subject_name",
    "registration_number",
    "legal_form",
    "representative",
    "phone",
    "email",
    "address",
    "commune",
    "province",
    "address_before_2025",
    "products",
    "ocop_products",
]


def _latest_certificates():
    return Prefetch(
        "certificates",
        queryset=Certificate.objects.order_by(F("decision_date").desc(nulls_last=True), "-id"),
        to_attr="export_certificates",
    )


def product_rows(queryset):
    """The export's rows (lists of Python values), one per product."""
    products = queryset.select_related(
        "subject", "subject__commune", "subject__province", "category"
    ).prefetch_related(_latest_certificates())
    for number, product in enumerate(products.iterator(chunk_size=CHUNK_SIZE), start=1):
        subject = product.subject
        latest = product.export_certificates[0] if product.export_certificates else None
        category = product.category
        yield [
            number,
            product.name,
            subject.name,
            subject.registration_number or "",
            LEGAL_FORM_NAMES_VI.get(subject.legal_form, subject.legal_form),
            subject.address,
            subject.commune.full_name,
            subject.province.full_name,
            f"{category.code} {category.name}" if category else "",
            latest.star if latest else product.star,
            latest.score if latest else None,
            latest.decision_number if latest else "",
            latest.decision_date if latest else None,
            (latest.valid_until if latest else None) or product.certified_until,
        ]


def subject_rows(queryset):
    """The export's rows, one per subject, with its product counts."""
    subjects = queryset.select_related("commune", "province").annotate(
        export_products=Count("products", distinct=True),
        # Certified and still valid today (a lapsed one counts as expired).
        export_certified=Count(
            "products",
            filter=Q(products__status=OcopStatus.CERTIFIED)
            & ~Q(products__certified_until__lt=timezone.localdate()),
            distinct=True,
        ),
    )
    for number, subject in enumerate(subjects.iterator(chunk_size=CHUNK_SIZE), start=1):
        yield [
            number,
            subject.name,
            subject.registration_number or "",
            LEGAL_FORM_NAMES_VI.get(subject.legal_form, subject.legal_form),
            subject.representative,
            subject.phone,
            subject.email,
            subject.address,
            subject.commune.full_name,
            subject.province.full_name,
            subject.legacy_address,
            subject.export_products,
            subject.export_certified,
        ]


def _xlsx(title: str, headers: list[str], widths: list[int], rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = table_sheet(workbook, title=title, headers=headers, widths=widths)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(escape_cell(value))
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value, *, iso: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat() if iso else value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}" if iso else f"{value:.2f}".replace(".", ",")  # decimal comma
    return escape_cell(str(value))


def _csv(headers: list[str], rows, *, iso: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(v, iso=iso) for v in row])
    # The byte-order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_products_xlsx(queryset) -> bytes:
    return _xlsx("San pham OCOP", PRODUCT_HEADERS, PRODUCT_WIDTHS, product_rows(queryset))


def export_products_csv(queryset, *, iso: bool = False) -> bytes:
    """Vietnamese headers, dd/mm/yyyy and a decimal comma (as the import
    reads), or with ``iso`` the unambiguous format of the open data."""
    headers = PRODUCT_FIELDS if iso else PRODUCT_HEADERS
    return _csv(headers, product_rows(queryset), iso=iso)


def export_subjects_xlsx(queryset) -> bytes:
    return _xlsx("Chu the OCOP", SUBJECT_HEADERS, SUBJECT_WIDTHS, subject_rows(queryset))


def export_subjects_csv(queryset, *, iso: bool = False) -> bytes:
    headers = SUBJECT_FIELDS if iso else SUBJECT_HEADERS
    return _csv(headers, subject_rows(queryset), iso=iso)
