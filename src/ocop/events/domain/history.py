"""A subject's history of capacity building and support, and the subjects
that have had no training for some years (for targeting the next classes).

A training counts as attended when one of the subject's people was registered
(not cancelled), checked in, at an activity whose kind is in
``TRAINING_KINDS`` and that was not cancelled.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q, Subquery

from ocop.core.xlsx import escape_cell

from ..enums import TRAINING_KINDS, ActivityState, RegistrationState
from ..models import Registration, Support


def attended_q(prefix: str = "") -> Q:
    """Registrations standing and checked in at an activity not cancelled."""
    return Q(
        **{
            f"{prefix}state": RegistrationState.REGISTERED,
            f"{prefix}checked_in_at__isnull": False,
        }
    ) & ~Q(**{f"{prefix}activity__state": ActivityState.CANCELLED})


@dataclass
class SubjectHistory:
    subject: object
    trainings: list = field(default_factory=list)  # registrations attended, training kinds
    events: list = field(default_factory=list)  # registrations attended, other kinds
    not_attended: list = field(default_factory=list)  # registered, not checked in
    supports: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.trainings or self.events or self.not_attended or self.supports)


def subject_history(subject) -> SubjectHistory:
    """Everything the subject's people attended or registered for, and the
    support it received (two queries)."""
    history = SubjectHistory(subject=subject)
    registrations = (
        Registration.objects.filter(subject=subject, state=RegistrationState.REGISTERED)
        .select_related("activity", "activity__province", "activity__commune")
        .order_by("-activity__starts_on", "-activity_id", "full_name", "id")
    )
    for registration in registrations:
        activity = registration.activity
        if activity.state == ActivityState.CANCELLED:
            continue
        if registration.checked_in_at is None:
            history.not_attended.append(registration)
        elif activity.kind in TRAINING_KINDS:
            history.trainings.append(registration)
        else:
            history.events.append(registration)
    history.supports = list(
        Support.objects.filter(subject=subject)
        .select_related("product", "activity")
        .order_by("-given_on", "-id")
    )
    return history


def years_before(today: date, years: int) -> date:
    """The same day ``years`` years earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def trainings_attended(*, since: date | None = None, until: date | None = None):
    """Registrations that count as attended trainings, optionally by date."""
    rows = Registration.objects.filter(attended_q(), activity__kind__in=TRAINING_KINDS)
    if since is not None:
        rows = rows.filter(activity__starts_on__gte=since)
    if until is not None:
        rows = rows.filter(activity__starts_on__lte=until)
    return rows


def subjects_without_training(queryset, *, years: int, today: date):
    """The subjects of ``queryset`` with no training attended whose first day
    lies within the last ``years`` years, annotated with ``last_training``
    (the first day of the last training they attended, or None)."""
    since = years_before(today, years)
    recent = trainings_attended(since=since, until=today).filter(subject=OuterRef("pk"))
    last = (
        trainings_attended()
        .filter(subject=OuterRef("pk"))
        .order_by("-activity__starts_on")
        .values("activity__starts_on")[:1]
    )
    return queryset.filter(~Exists(recent)).annotate(last_training=Subquery(last))


UNTRAINED_HEADERS = [
    "STT",
    "Tên chủ thể",
    "Mã số thuế",
    "Người đại diện",
    "Điện thoại",
    "Xã/phường",
    "Tỉnh",
    "Lần tập huấn gần nhất",
]
UNTRAINED_WIDTHS = [6, 40, 16, 24, 14, 24, 20, 18]


def untrained_xlsx(subjects, *, years: int, today: date) -> bytes:
    """The list of subjects without training (``subjects_without_training``)
    as a workbook, streamed in chunks."""
    import io  # noqa: PLC0415 -- leaf

    from openpyxl import Workbook  # noqa: PLC0415 -- slow import, only for the download
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 -- slow import
    from openpyxl.styles import Font  # noqa: PLC0415 -- slow import
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 -- slow import

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Chưa tập huấn")
    for index, width in enumerate(UNTRAINED_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    since = years_before(today, years)
    sheet.append(
        [f"Chủ thể chưa tham gia tập huấn từ ngày {since:%d/%m/%Y} đến ngày {today:%d/%m/%Y}"]
    )
    header = []
    for title in UNTRAINED_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    rows = subjects.select_related("commune", "province")
    for number, subject in enumerate(rows.iterator(chunk_size=2000), start=1):
        last = WriteOnlyCell(sheet, value=subject.last_training)
        last.number_format = "DD/MM/YYYY"
        sheet.append(
            [
                number,
                escape_cell(subject.name),
                escape_cell(subject.registration_number or ""),
                escape_cell(subject.representative),
                escape_cell(subject.phone),
                subject.commune.full_name,
                subject.province.full_name,
                last,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
