from django.db import models
from django.utils.translation import gettext_lazy as _

# Which path a dossier takes is derived from the recognition rules
# (criteria/data/rules.yaml): see cycles.domain.dossiers.path_on.


class PhaseKind(models.TextChoices):
    PUBLICITY = "publicity", _("publicity and guidance")
    IDEAS = "ideas", _("receiving product ideas")
    PLANS = "plans", _("receiving business plans")
    DEVELOPMENT = "development", _("product development")
    EVALUATION = "evaluation", _("evaluation and ranking")
    PROMOTION = "promotion", _("trade promotion")


class LateSubmission(models.TextChoices):
    """What happens to a dossier submitted after its round's deadline (the
    province chooses per cycle)."""

    REFUSE = "refuse", _("refused")
    MARK = "mark", _("accepted, marked late")


class IdeaState(models.TextChoices):
    SUBMITTED = "submitted", _("registered")
    RECEIVED = "received", _("received by the commune")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class DossierKind(models.TextChoices):
    FIRST = "first", _("first evaluation")
    RENEWAL = "renewal", _("renewal (re-evaluation before expiry)")
    UPGRADE = "upgrade", _("upgrade (nâng hạng)")


class DossierPath(models.TextChoices):
    P1489 = "1489", _("commune → province → centre (from 6 July 2025)")
    P148 = "148", _("commune → district → province → centre (before 6 July 2025)")


class DossierState(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    SUBMITTED = "submitted", _("submitted to the commune")
    RETURNED = "returned", _("returned for supplements")
    FORWARDED = "forwarded", _("forwarded to the province")
    DISTRICT = "district", _("at the district (before 6 July 2025)")
    PRECHECKED = "prechecked", _("pre-checked by the advisory team")
    SCHEDULED = "scheduled", _("on a council session")
    EVALUATED = "evaluated", _("evaluated")
    PROPOSED = "proposed", _("proposed to the centre")
    WITHDRAWN = "withdrawn", _("withdrawn")


# States in which a dossier waits for someone's action ("my tasks", see
# domain.queries.WAITING_ON; an evaluated dossier waits only when proposed to
# the centre and is found another way). The waiting-list indexes cover them.
WAITING_STATES = (
    DossierState.DRAFT,
    DossierState.SUBMITTED,
    DossierState.RETURNED,
    DossierState.FORWARDED,
    DossierState.DISTRICT,
    DossierState.PRECHECKED,
)
