"""The report of a unit for a period as XLSX ("Tổng hợp"), in the provinces'
Vietnamese wording whatever the language of the page; user text is
formula-escaped. The figures come from ``report.build_report``."""

import io
from datetime import date
from decimal import Decimal

from django.utils.translation import override

from ocop.core.xlsx import escape_cell

from ..enums import ActivityKind, ActivityLevel, Audience, MaterialKind, SupportKind
from .report import Report

# The official wording of the provinces' reports (the file is written in Vietnamese
# whatever the language of the page).
KIND_VI = {
    ActivityKind.TRAINING: "Lớp tập huấn",
    ActivityKind.CONFERENCE: "Hội nghị tập huấn",
    ActivityKind.PUBLICITY: "Hội nghị tuyên truyền",
    ActivityKind.FAIR: "Hội chợ, triển lãm",
    ActivityKind.CONNECTION: "Kết nối cung cầu",
    ActivityKind.STUDY_TOUR: "Tham quan, học tập kinh nghiệm",
    ActivityKind.OTHER: "Hoạt động khác",
}
LEVEL_VI = {
    ActivityLevel.CENTRAL: "Trung ương",
    ActivityLevel.PROVINCE: "Tỉnh",
    ActivityLevel.DISTRICT: "Huyện (trước 01/7/2025)",
    ActivityLevel.COMMUNE: "Xã",
}
AUDIENCE_VI = {
    Audience.LEADERS: "Lãnh đạo các sở, ngành",
    Audience.PROVINCE_OFFICIALS: "Cán bộ cấp tỉnh",
    Audience.COMMUNE_OFFICIALS: "Cán bộ cấp huyện, xã",
    Audience.SUBJECTS: "Chủ thể OCOP",
    Audience.CONSULTANTS: "Đơn vị tư vấn",
    Audience.ADVISORY: "Tổ giúp việc, Hội đồng đánh giá",
    Audience.OTHER: "Đối tượng khác",
}
MATERIAL_VI = {
    MaterialKind.PANEL: "Pano, áp phích",
    MaterialKind.HANDBOOK: "Sổ tay",
    MaterialKind.LEAFLET: "Tờ rơi",
    MaterialKind.STAMPS: "Tem OCOP",
    MaterialKind.CLIP: "Phóng sự/clip",
    MaterialKind.OTHER: "Ấn phẩm khác",
}
SUPPORT_VI = {
    SupportKind.CLIP: "Xây dựng clip quảng bá",
    SupportKind.TRACEABILITY: "Tài khoản truy xuất nguồn gốc",
    SupportKind.ECOMMERCE: "Đưa lên sàn thương mại điện tử",
    SupportKind.BOOTH: "Gian hàng hội chợ",
    SupportKind.CONSULTING: "Tư vấn",
    SupportKind.FUNDING: "Hỗ trợ kinh phí",
    SupportKind.CONNECTION: "Kết nối cung cầu",
    SupportKind.OTHER: "Hỗ trợ khác",
}

SHEET_TITLE = "Tổng hợp"
ACTIVITY_HEADERS = [
    "Loại hoạt động",
    "Cấp",
    "Số lượng",
    "Số ngày",
    "Lượt người tham dự",
    "Kinh phí (đồng)",
]
AUDIENCE_HEADERS = ["Đối tượng", "Lượt có tên", "Lượt đếm số lượng", "Tổng"]
MATERIAL_HEADERS = ["Loại ấn phẩm", "Số lượng"]
SUPPORT_HEADERS = ["Hình thức hỗ trợ", "Số chủ thể", "Số sản phẩm", "Số lượt", "Giá trị (đồng)"]
TOTAL = "Tổng cộng"
MONEY_FORMAT = "#,##0"


def report_xlsx(report: Report) -> bytes:
    """The report as one sheet, "Tổng hợp", in the provinces' wording."""
    from openpyxl import Workbook  # noqa: PLC0415 -- slow import, only for the download
    from openpyxl.styles import Font  # noqa: PLC0415 -- slow import

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    for column, width in zip("ABCDEF", (40, 24, 18, 18, 20, 20), strict=True):
        sheet.column_dimensions[column].width = width

    def put(values, *, font=None):
        sheet.append(values)
        if font is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = font
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal | int) and not isinstance(cell.value, bool):
                cell.number_format = MONEY_FORMAT

    unit_name = report.unit.full_name if report.unit is not None else "Toàn quốc"
    put(
        ["BÁO CÁO KẾT QUẢ TẬP HUẤN, TUYÊN TRUYỀN VÀ HỖ TRỢ CHỦ THỂ OCOP"],
        font=Font(bold=True, size=13),
    )
    put(["Đơn vị", escape_cell(unit_name)])
    put(["Từ ngày", report.date_from, "Đến ngày", report.date_to])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"

    put([])
    put(["I. Hoạt động tập huấn, tuyên truyền, xúc tiến thương mại"], font=bold)
    put(ACTIVITY_HEADERS, font=bold)
    for row in report.activities:
        put(
            [
                KIND_VI.get(row.kind, row.kind),
                LEVEL_VI.get(row.level, row.level),
                row.count,
                row.days,
                row.attendances,
                row.cost,
            ]
        )
    put(
        [
            TOTAL,
            "",
            report.activity_count,
            report.activity_days,
            sum(r.attendances for r in report.activities),
            report.activity_cost,
        ],
        font=bold,
    )

    put([])
    put(["II. Lượt người tham dự theo đối tượng"], font=bold)
    put(AUDIENCE_HEADERS, font=bold)
    for row in report.audiences:
        put([AUDIENCE_VI.get(row.audience, row.audience), row.named, row.counted, row.total])
    put([TOTAL, report.named, report.counted, report.attendances], font=bold)
    put(["Số chủ thể OCOP tham dự", report.subjects_attended])

    put([])
    put(["III. Ấn phẩm, tài liệu tuyên truyền đã cấp phát"], font=bold)
    put(MATERIAL_HEADERS, font=bold)
    for row in report.materials:
        put([MATERIAL_VI.get(row.kind, row.kind), row.quantity])

    put([])
    put(["IV. Hỗ trợ chủ thể OCOP"], font=bold)
    put(SUPPORT_HEADERS, font=bold)
    for row in report.supports:
        put(
            [
                SUPPORT_VI.get(row.kind, row.kind),
                row.subjects,
                row.products,
                row.records,
                row.value,
            ]
        )
    put(
        [TOTAL, report.subjects_supported, "", report.support_records, report.support_value],
        font=bold,
    )

    put([])
    put(["V. Tóm tắt"], font=bold)
    with override("vi"):
        for sentence in report.sentences:
            put([escape_cell(sentence)])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
