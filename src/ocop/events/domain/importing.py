"""Importing a list of participants from Excel (.xlsx).

Organisers keep their lists in Excel with headers such as "Họ và tên", "Số
điện thoại", "Cơ quan, đơn vị", "Chức vụ", "Đối tượng", "Mã số thuế". Headers
are recognised by their folded text (``core.xlsx.HeaderAliases``); title rows above the
header are skipped. The participant group is matched by its label or a short
word ("chủ thể", "cán bộ xã", "tư vấn"…); the subject by its registration
(tax) number among the subjects the officer sees.

All or nothing: when any row is wrong, nothing is saved and every error is
listed with its row and column ("Dòng 7, cột Số điện thoại: …").
"""

import io
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.core.text import fold_key
from ocop.core.uploads import XLSX, check_upload
from ocop.core.xlsx import (
    DEFAULT_LIMITS,
    HeaderAliases,
    cell_text,
    escape_cell,
    open_workbook,
    sheet_rows,
)
from ocop.producers.validators import normalise_registration_number

from .. import rules
from ..enums import ActivityState, Audience, RegistrationChannel, RegistrationState
from ..models import Activity, Registration
from .people import normalise_phone, person_key
from .registrations import PHONE_DIGITS, duplicate_message

HEADER_SEARCH_ROWS = 20
MAX_ROWS = 5000
MAX_LISTED_ERRORS = 200
LIMITS = DEFAULT_LIMITS.but(rows=MAX_ROWS + 50)

# Header texts, folded with fold_key after dropping anything in brackets.
HEADER_ALIASES = {
    "seq": ["stt", "tt", "so tt", "so thu tu"],
    "full_name": [
        "ho va ten",
        "ho ten",
        "ten",
        "ho va ten nguoi tham du",
        "ho ten nguoi tham du",
        "ho va ten hoc vien",
        "ho ten hoc vien",
        "ho va ten dai bieu",
        "ho ten dai bieu",
        "full name",
        "name",
    ],
    "phone": [
        "so dien thoai",
        "dien thoai",
        "sdt",
        "so dt",
        "dt",
        "dien thoai lien he",
        "so dien thoai lien he",
        "phone",
    ],
    "email": ["email", "e mail", "thu dien tu", "dia chi email", "dia chi thu dien tu"],
    "organisation": [
        "co quan don vi",
        "co quan",
        "don vi",
        "don vi cong tac",
        "noi cong tac",
        "co quan cong tac",
        "co quan don vi cong tac",
        "ten don vi",
        "organisation",
    ],
    "position": ["chuc vu", "chuc danh", "chuc vu chuc danh", "position"],
    "audience": [
        "doi tuong",
        "thanh phan",
        "nhom doi tuong",
        "doi tuong tham du",
        "thanh phan tham du",
        "participant group",
    ],
    "registration_number": [
        "ma so thue",
        "ma so chu the",
        "mst",
        "ma so thue chu the",
        "ma so doanh nghiep",
        "so dkkd",
        "ma so dkkd",
        "registration number",
    ],
}
HEADERS = HeaderAliases(HEADER_ALIASES)

# Short words for the participant groups, besides their labels (folded).
AUDIENCE_WORDS = {
    Audience.LEADERS: [
        "lanh dao",
        "lanh dao so nganh",
        "lanh dao cac so nganh",
        "lanh dao so ban nganh",
    ],
    Audience.PROVINCE_OFFICIALS: [
        "can bo tinh",
        "cong chuc tinh",
        "can bo cap tinh",
        "can bo so nganh",
        "vien chuc tinh",
    ],
    Audience.COMMUNE_OFFICIALS: [
        "can bo xa",
        "can bo huyen",
        "can bo huyen xa",
        "can bo cap xa",
        "can bo cap huyen",
        "cong chuc xa",
        "can bo phuong",
        "can bo xa phuong",
    ],
    Audience.SUBJECTS: [
        "chu the",
        "chu the ocop",
        "doanh nghiep",
        "hop tac xa",
        "htx",
        "to hop tac",
        "ho kinh doanh",
        "ho san xuat",
        "co so san xuat",
    ],
    Audience.CONSULTANTS: ["tu van", "don vi tu van", "chuyen gia tu van", "tu van vien"],
    Audience.ADVISORY: [
        "to tu van",
        "to giup viec",
        "hoi dong",
        "thanh vien hoi dong",
        "hoi dong danh gia",
        "to tu van hoi dong",
    ],
    Audience.OTHER: ["khac", "doi tuong khac", "nguoi khac"],
}

# The template's headers (Vietnamese, as organisers write them).
TEMPLATE_HEADERS = (
    ("seq", "STT"),
    ("full_name", "Họ và tên"),
    ("phone", "Số điện thoại"),
    ("email", "Email"),
    ("organisation", "Cơ quan, đơn vị"),
    ("position", "Chức vụ"),
    ("audience", "Đối tượng"),
    ("registration_number", "Mã số thuế chủ thể"),
)
TEMPLATE_EXAMPLE = (
    1,
    "Nguyễn Thị Hoa",
    "0912 345 678",
    "hoa.htx@example.vn",
    "HTX Nước mắm Làng Chài",
    "Giám đốc",
    "Chủ thể",
    "2801234567",
)
TEMPLATE_AUDIENCE_WORDS = {
    Audience.LEADERS: "Lãnh đạo",
    Audience.PROVINCE_OFFICIALS: "Cán bộ tỉnh",
    Audience.COMMUNE_OFFICIALS: "Cán bộ xã",
    Audience.SUBJECTS: "Chủ thể",
    Audience.CONSULTANTS: "Tư vấn",
    Audience.ADVISORY: "Tổ tư vấn, Hội đồng",
    Audience.OTHER: "Khác",
}


def _audience_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for audience in Audience:
        names = {audience.value, fold_key(audience.value.replace("_", " "))}
        for language in ("en", "vi"):
            with translation.override(language):
                names.add(fold_key(str(audience.label)))
        names.add(fold_key(TEMPLATE_AUDIENCE_WORDS[audience]))
        names.update(AUDIENCE_WORDS[audience])
        for name in names:
            table.setdefault(name, audience.value)
    return table


def _phone_text(value) -> str:
    text = cell_text(value)
    # 912345678 typed as a number: Excel dropped the leading 0.
    if isinstance(value, int | float) and len(text) == 9 and not text.startswith("0"):
        text = "0" + text
    return text


@dataclass
class Row:
    number: int
    values: dict[str, str]
    subject: object = None
    audience: str = ""
    key: str = ""
    errors: list[str] = field(default_factory=list)


def _find_header(rows) -> tuple[int, dict[str, tuple[int, str]]] | None:
    """The header row's index and {field: (column index, header text)}."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, tuple[int, str]] = {}
        for col, value in enumerate(row):
            text = cell_text(value)
            key = HEADERS.field(text)
            if key and key not in columns:
                columns[key] = (col, text)
        if "full_name" in columns and len(columns) >= 2:
            return index, columns
    return None


def read_rows(upload) -> tuple[list[Row], dict[str, tuple[int, str]]]:
    """The participants' rows of the first sheet (Excel row numbers kept)."""
    workbook = open_workbook(upload, limits=LIMITS)
    try:
        sheet = workbook.worksheets[0]
        raw = [tuple(r) for _n, r in sheet_rows(workbook, sheet, fill_down=False, limits=LIMITS)]
    finally:
        workbook.close()
    found = _find_header(raw)
    if found is None:
        raise ValidationError(
            _(
                "No header row found in the first %(n)s rows: the file needs at least a "
                "“Họ và tên” column and one of “Số điện thoại”, “Email”, “Cơ quan, đơn vị”, "
                "“Đối tượng”. Download the template to see them."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    header_index, columns = found
    rows = []
    for offset, values in enumerate(raw[header_index + 1 :], start=header_index + 2):
        picked = {}
        for key, (col, _header) in columns.items():
            value = values[col] if col < len(values) else None
            picked[key] = _phone_text(value) if key == "phone" else cell_text(value)
        if not any(v for k, v in picked.items() if k != "seq"):
            continue
        rows.append(Row(number=offset, values=picked))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(n)s participants; split it.")
            % {"n": number_format(MAX_ROWS, force_grouping=True)}
        )
    return rows, columns


def _error(row: Row, columns, key: str, message: str) -> None:
    column = columns[key][1] if key in columns else key
    row.errors.append(
        _("Row %(row)s, column %(column)s: %(error)s")
        % {"row": row.number, "column": column, "error": message}
    )


def _check_rows(activity: Activity, by, rows: list[Row], columns) -> None:
    from ocop.producers.domain.queries import subjects_visible_to  # noqa: PLC0415 -- leaf

    numbers = {
        normalise_registration_number(r.values.get("registration_number"))
        for r in rows
        if r.values.get("registration_number")
    }
    subjects = {
        s.registration_number: s
        for s in subjects_visible_to(by).filter(registration_number__in=sorted(numbers))
    }
    default_audience = activity.target_groups[0] if len(activity.target_groups) == 1 else ""
    table = _audience_table()
    existing = list(
        activity.registrations.filter(state=RegistrationState.REGISTERED).only(
            "pk", "full_name", "created_at", "person_key", "phone", "email"
        )
    )
    by_key = {r.person_key: r for r in existing}
    by_phone = {normalise_phone(r.phone): r for r in existing if r.phone}
    by_email = {r.email.strip().casefold(): r for r in existing if r.email}
    seen_key: dict[str, Row] = {}
    seen_phone: dict[str, Row] = {}
    seen_email: dict[str, Row] = {}
    for row in rows:
        values = row.values
        name = values.get("full_name", "")
        if not name:
            _error(row, columns, "full_name", _("the name is missing."))
        organisation = ", ".join(
            v for v in (values.get("position", ""), values.get("organisation", "")) if v
        )
        for key, text in (("full_name", name), ("organisation", organisation)):
            limit = Registration._meta.get_field(key).max_length
            if len(text) > limit:  # refused, never cut
                _error(
                    row,
                    columns,
                    key if key in columns else "position",
                    _("%(length)s characters long; the limit is %(limit)s.")
                    % {"length": len(text), "limit": limit},
                )
        phone = values.get("phone", "")
        digits = normalise_phone(phone)
        if phone and not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]:
            _error(
                row, columns, "phone", _("“%(phone)s” is not a phone number.") % {"phone": phone}
            )
            digits = ""
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                _error(
                    row,
                    columns,
                    "email",
                    _("“%(email)s” is not an e-mail address.") % {"email": email},
                )
                email = ""
        audience_text = values.get("audience", "")
        if audience_text:
            row.audience = table.get(fold_key(audience_text), "")
            if not row.audience:
                _error(
                    row,
                    columns,
                    "audience",
                    _("unknown participant group “%(value)s” (write for example: %(examples)s).")
                    % {
                        "value": audience_text,
                        "examples": ", ".join(TEMPLATE_AUDIENCE_WORDS.values()),
                    },
                )
        elif default_audience:
            row.audience = default_audience
        else:
            _error(row, columns, "audience", _("the participant group is missing."))
        number = values.get("registration_number", "")
        if number:
            row.subject = subjects.get(normalise_registration_number(number))
            if row.subject is None:
                _error(
                    row,
                    columns,
                    "registration_number",
                    _("no subject in your area has the number %(number)s.") % {"number": number},
                )
        row.key = person_key(phone=digits, email=email, full_name=name, subject=row.subject)
        # The same person twice in the file, or already registered.
        for table_seen, table_existing, value, column in (
            (seen_phone, by_phone, digits, "phone"),
            (seen_email, by_email, email.casefold(), "email"),
            (seen_key, by_key, row.key, "full_name"),
        ):
            if not value:
                continue
            if value in table_existing:
                _error(row, columns, column, duplicate_message(table_existing[value]))
                break
            if value in table_seen:
                _error(
                    row,
                    columns,
                    column,
                    _("the same person as row %(row)s.") % {"row": table_seen[value].number},
                )
                break
        for table_seen, value in (
            (seen_key, row.key),
            (seen_phone, digits),
            (seen_email, email.casefold()),
        ):
            if value:
                table_seen.setdefault(value, row)


@transaction.atomic
def import_registrations(*, activity: Activity, by, upload) -> list[Registration]:
    """Register everyone on the list, or no one: raise ValidationError listing
    every error when any row is wrong."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_manage(by, activity):
        raise PermissionDenied(_("You may register people only for activities of your unit."))
    if activity.state == ActivityState.CANCELLED:
        raise ValidationError(_("This activity has been cancelled: no one can register for it."))
    check_upload(upload, kinds=(XLSX,))
    rows, columns = read_rows(upload)
    if not rows:
        raise ValidationError(_("The file has a header but no participants."))
    _check_rows(activity, by, rows, columns)
    errors = [e for row in rows for e in row.errors]
    if activity.capacity is not None:
        taken = activity.registrations.filter(state=RegistrationState.REGISTERED).count()
        free = max(activity.capacity - taken, 0)
        if len(rows) > free:
            errors.append(
                _(
                    "The list has %(rows)s participants but only %(free)s of the %(n)s places "
                    "are left."
                )
                % {
                    "rows": number_format(len(rows), force_grouping=True),
                    "free": number_format(free, force_grouping=True),
                    "n": number_format(activity.capacity, force_grouping=True),
                }
            )
    if errors:
        if len(errors) > MAX_LISTED_ERRORS:
            more = len(errors) - MAX_LISTED_ERRORS
            errors = [
                *errors[:MAX_LISTED_ERRORS],
                _("… and %(n)s more errors.") % {"n": more},
            ]
        raise ValidationError(errors)
    registrations = []
    for row in rows:
        values = row.values
        organisation = ", ".join(
            v for v in (values.get("position", ""), values.get("organisation", "")) if v
        )
        registrations.append(
            Registration(
                activity=activity,
                full_name=values["full_name"][:150],
                phone=values.get("phone", "")[:30],
                email=values.get("email", ""),
                organisation=organisation[:300],
                audience=row.audience,
                subject=row.subject,
                person_key=row.key,
                channel=RegistrationChannel.IMPORT,
                registered_by=by,
            )
        )
    try:
        with transaction.atomic():
            created = Registration.objects.bulk_create(registrations)
    except IntegrityError:
        raise ValidationError(
            _("Someone registered one of these people a moment ago; import the file again.")
        ) from None
    log_action(
        action="ocop.registration.imported",
        by=by,
        obj=activity,
        unit=activity.unit,
        data={"count": len(created), "file": (upload.name or "")[:200]},
    )
    return created


def template_workbook() -> bytes:
    """The import template: the headers and one example row, and the words
    accepted for the participant group on a second sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append([header for _key, header in TEMPLATE_HEADERS])
    sheet.append([escape_cell(v) for v in TEMPLATE_EXAMPLE])
    for column, width in zip("ABCDEFGH", (6, 28, 16, 26, 32, 18, 16, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet["C2"].number_format = "@"
    sheet["H2"].number_format = "@"
    words = workbook.create_sheet("Đối tượng")
    words.append(["Đối tượng (ghi một trong các từ sau)", "Nhóm"])
    with translation.override("vi"):
        for audience, word in TEMPLATE_AUDIENCE_WORDS.items():
            words.append([word, str(audience.label)])
    words.column_dimensions["A"].width = 36
    words.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
