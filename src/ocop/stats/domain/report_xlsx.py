"""The official report as XLSX in the provinces' table layout (one sheet,
numbered tables "Biểu 01…"), always in Vietnamese; text cells are
formula-escaped (``core.xlsx.escape_cell``)."""

import io

from ocop.core.xlsx import escape_cell
from ocop.cycles.enums import DossierState
from ocop.events.domain.report_xlsx import KIND_VI, LEVEL_VI, MATERIAL_VI, SUPPORT_VI

from .report import DOSSIER_VI, STARS, Report

SHEET_TITLE = "Báo cáo OCOP"
STAR_HEADERS = ["STT", "Đơn vị", *[f"{s} sao" for s in STARS], "Tổng số"]


def title(report: Report) -> str:
    return f"BÁO CÁO KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH OCOP {report.period_label.upper()}"


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 -- slow import, only for the download
    from openpyxl.styles import Font  # noqa: PLC0415 -- slow import

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    for column, width in zip("ABCDEFG", (8, 40, 14, 14, 14, 14, 18), strict=True):
        sheet.column_dimensions[column].width = width

    def put(values, *, font=None):
        sheet.append([escape_cell(v) if isinstance(v, str) else v for v in values])
        if font is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = font

    put([title(report)], font=Font(bold=True, size=13))
    put(["Đơn vị", report.unit_name])
    put(["Kỳ báo cáo", report.period_label, "Từ ngày", f"{report.start:%d/%m/%Y}"])
    put(["Số liệu tính đến ngày", f"{report.counted_on:%d/%m/%Y}"])
    put([])
    put(["Tóm tắt"], font=bold)
    for sentence in report.sentences:
        put(["", sentence])

    level = "Xã, phường" if report.unit is not None else "Tỉnh, thành phố"
    put([])
    put([f"Biểu 01. Sản phẩm OCOP còn hiệu lực theo {level.lower()} và hạng sao"], font=bold)
    put(["STT", level, *STAR_HEADERS[2:]], font=bold)
    for index, row in enumerate(report.by_unit, start=1):
        put([index, row.label, *row.cells, row.total])
    put(["", "Tổng cộng", *report.total.cells, report.total.total], font=bold)

    put([])
    put(["Biểu 02. Sản phẩm OCOP còn hiệu lực theo nhóm sản phẩm và hạng sao"], font=bold)
    put(["STT", "Nhóm sản phẩm", *STAR_HEADERS[2:]], font=bold)
    for index, row in enumerate(report.by_group, start=1):
        put([index, row.label, *row.cells, row.total])

    put([])
    put([f"Biểu 03. Biến động trong {report.period_label}"], font=bold)
    put(["STT", "Nội dung", *STAR_HEADERS[2:]], font=bold)
    for index, row in enumerate(report.changes, start=1):
        put([index, row.label, *row.cells, row.total])

    put([])
    put(["Biểu 04. Chủ thể có sản phẩm OCOP còn hiệu lực theo loại hình"], font=bold)
    put(["STT", "Loại hình", "Số chủ thể"], font=bold)
    for index, (label, n) in enumerate(report.subjects, start=1):
        put([index, label.capitalize(), n])
    put(["", "Tổng cộng", report.subject_total], font=bold)

    put([])
    put([f"Biểu 05. Ý tưởng sản phẩm và hồ sơ đánh giá (chu trình {report.year})"], font=bold)
    put(["STT", "Nội dung", "Số lượng"], font=bold)
    ideas = report.ideas
    put([1, "Phiếu đăng ký ý tưởng sản phẩm", ideas["total"].value])
    put([2, "Ý tưởng được chấp thuận", ideas["state"]["accepted"].value])
    put([3, "Phương án, dự án sản xuất kinh doanh", ideas["with_plan"].value])
    for index, state in enumerate(DossierState.values, start=4):
        put([index, f"Hồ sơ: {DOSSIER_VI[state]}", report.dossiers["state"][state].value])
    put(["", "Tổng số hồ sơ", report.dossiers["total"].value], font=bold)

    events = report.events.report
    put([])
    put(["Biểu 06. Tập huấn, tuyên truyền, xúc tiến thương mại và hỗ trợ chủ thể"], font=bold)
    put(["STT", "Hoạt động", "Cấp", "Số lượng", "Số ngày", "Lượt người"], font=bold)
    for index, row in enumerate(events.activities, start=1):
        put(
            [
                index,
                KIND_VI.get(row.kind, row.kind),
                LEVEL_VI.get(row.level, row.level),
                row.count,
                row.days,
                row.attendances,
            ]
        )
    put(
        ["", "Tổng cộng", "", events.activity_count, events.activity_days, events.attendances],
        font=bold,
    )
    for row in events.materials:
        put(["", MATERIAL_VI.get(row.kind, row.kind), "", row.quantity])
    for row in events.supports:
        put(["", SUPPORT_VI.get(row.kind, row.kind), "Số chủ thể", row.subjects])

    visits = report.inspections
    put([])
    put(["Biểu 07. Kiểm tra sau công nhận"], font=bold)
    put(["STT", "Nội dung", "Số lượng"], font=bold)
    put([1, "Sản phẩm được kiểm tra", visits.visits])
    put([2, "Đạt yêu cầu", visits.compliant])
    put([3, "Nhắc nhở, yêu cầu khắc phục", visits.warnings])
    put([4, "Đề nghị thu hồi", visits.proposals])
    put([5, "Đã thu hồi giấy chứng nhận", visits.revoked])

    if report.unit is None:
        put([])
        put(["Biểu 08. Xếp hạng các tỉnh, thành phố theo số sản phẩm OCOP"], font=bold)
        put(["Thứ hạng", "Tỉnh, thành phố", "Số sản phẩm"], font=bold)
        for rank, province, n in report.ranking:
            put([rank, province.name, n])

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
