"""A member's answers typed without a signal, and their submission, received
once the phone is back online (``views_scoring.sync``).

Everything goes through the same domain functions as online
(``scoring.save_answer``, ``save_comment``, ``submit_scoresheet``): same
validation, blind scoring and locks. One entry of the phone (its client id) is
recorded once: one ``ocop.scoresheet.offline_synced`` log entry, and a replay
of the same id changes nothing. A sheet that can no longer change (the chair
closed the session, the sheet was submitted, the round is over) refuses the
entry as a whole with the lock's reason, and nothing is written. A submission
refused for its own reason (a criterion not scored) keeps the answers."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.core.models import ActivityLog

from ..enums import SheetLock, SheetStatus
from ..models import Scoresheet
from ..rules import scoresheet_lock
from . import scoring

OFFLINE_SYNCED = "ocop.scoresheet.offline_synced"

SAVED, DUPLICATE, SUBMITTED, NOT_SUBMITTED = "saved", "duplicate", "submitted", "not_submitted"


@dataclass
class OfflineResult:
    status: str  # saved, duplicate, submitted or not_submitted
    scoresheet: Scoresheet
    refusal: list[str] = field(default_factory=list)  # why the submission was refused


class SheetLocked(ValidationError):
    """The sheet can no longer change: the whole entry is refused."""


def _received(scoresheet, client_id: str):
    return ActivityLog.objects.filter(
        action=OFFLINE_SYNCED, data__scoresheet=scoresheet.pk, data__client_id=client_id
    ).first()


@transaction.atomic
def receive_offline(
    *,
    scoresheet: Scoresheet,
    by,
    client_id: str,
    answers: dict,
    comment: str | None = None,
    submit: bool = False,
) -> OfflineResult:
    """Record the answers ``{code: (options, value)}`` (and the comment) kept
    on the member's phone under ``client_id``, then, if ``submit``, submit the
    sheet. Raises ``SheetLocked`` (nothing written) when the sheet can no
    longer change, ``PermissionDenied`` for another member's sheet and
    ``ValidationError`` for an answer the sheet does not accept."""
    client_id = (client_id or "").strip()[:64]
    if not client_id:
        raise ValidationError(_("The answers carry no client id."))
    sheet = (
        Scoresheet.objects.select_for_update()
        .select_related("item__session__council", "member")
        .get(pk=scoresheet.pk)
    )
    lock = scoresheet_lock(by, sheet)
    if lock == SheetLock.NOT_OWN:
        raise PermissionDenied(str(lock.label))
    if _received(sheet, client_id) is not None:
        return OfflineResult(DUPLICATE, sheet)
    if lock is not None:
        raise SheetLocked(str(lock.label), code=lock.value)
    for code, (options, value) in answers.items():
        scoring.save_answer(
            scoresheet=sheet,
            criterion_code=code,
            by=by,
            options=options,
            value=None if value in (None, "") else str(value),
        )
    if comment is not None:
        scoring.save_comment(scoresheet=sheet, by=by, comment=str(comment))
    status, refusal = SAVED, []
    if submit:
        try:
            with transaction.atomic():
                scoring.submit_scoresheet(scoresheet=sheet, by=by)
        except ValidationError as error:
            status, refusal = NOT_SUBMITTED, error.messages
        else:
            status = SUBMITTED
    log_action(
        action=OFFLINE_SYNCED,
        by=by,
        obj=sheet,
        unit=sheet.item.session.council.unit,
        data={
            "scoresheet": sheet.pk,
            "client_id": client_id,
            "criteria": sorted(answers),
            "submit": bool(submit),
            "submitted": status == SUBMITTED,
        },
    )
    sheet.refresh_from_db()
    return OfflineResult(status, sheet, refusal)


def is_submitted(scoresheet) -> bool:
    return scoresheet.status == SheetStatus.SUBMITTED
