from django.db import models
from django.utils.translation import gettext_lazy as _


class Body(models.TextChoices):
    COUNCIL = "council", _("council")
    ADVISORY = "advisory", _("advisory team")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice-chair")
    MEMBER = "member", _("member")
    SECRETARY = "secretary", _("secretary")
    TEAM_LEADER = "team_leader", _("team leader")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("scoring")
    CLOSED = "closed", _("closed")


class ItemStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    SCORING = "scoring", _("scoring")
    FLAGGED = "flagged", _("spread too large: discuss and re-score")
    DECIDED = "decided", _("result")
    WITHDRAWN = "withdrawn", _("withdrawn")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("being scored")
    SUBMITTED = "submitted", _("submitted")


class ConflictKind(models.TextChoices):
    HOUSEHOLD = "household", _("same household or family")
    CONSULTANT = "consultant", _("consultant on the dossier")
    BUSINESS = "business", _("business relation")
    SAME_COMMUNE = "same_commune", _("same commune")
    OTHER = "other", _("other")


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("declared")
    DETECTED = "detected", _("found in the data")


class SheetLock(models.TextChoices):
    """Why a member may not change a scoring sheet now (see
    ``rules.scoresheet_lock``); the label is the message they are shown."""

    NOT_OWN = "not_own", _("This is another member's sheet.")
    NOT_OPEN = "not_open", _("The session is not open for scoring.")
    SUBMITTED = "submitted", _("You have submitted this sheet; only the chair can reopen it.")
    ROUND_OVER = "round_over", _("This scoring round is over.")
