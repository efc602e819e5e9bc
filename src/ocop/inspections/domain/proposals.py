"""Revocation proposals from inspections: the authority follows a proposal
by revoking the certificate through the certification app's own revocation
(``certification.domain.certificates.revoke``: its permission, checks,
product status and notice), with the proposal's ground and the visit's
evidence attached; or does not follow it, with a reason."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.certification.domain.certificates import revoke
from ocop.core.workflow import Move, Transition, Workflow

from ..enums import ProposalState
from ..models import RevocationProposal
from ..rules import may_decide_proposal

P = ProposalState


def evidence_text(proposal: RevocationProposal) -> str:
    """What the revocation keeps of the inspection: the record, the evidence
    and the photos' count."""
    visit = proposal.visit
    return _(
        "Post-certification inspection, record %(number)s of %(day)s (%(url)s): %(evidence)s "
        "[%(photos)s photo(s) attached to the visit]"
    ) % {
        "number": visit.number,
        "day": date_format(visit.visited_on, "SHORT_DATE_FORMAT") if visit.visited_on else "",
        "url": reverse("inspections:visit", args=[visit.pk]),
        "evidence": proposal.evidence,
        "photos": visit.photos.count(),
    }


def _revoke(move: Move) -> None:
    proposal = move.obj
    data = move.data
    if not data.get("decision_number") or data.get("decision_date") is None:
        raise ValidationError(_("Enter the number and the date of the revocation decision."))
    revocation = revoke(
        certificate=proposal.certificate,
        ground=proposal.ground,
        decision_number=data["decision_number"],
        decision_date=data["decision_date"],
        details=evidence_text(proposal),
        by=move.by,
    )
    proposal.revocation = revocation
    proposal.decided_by, proposal.decided_at = move.by, timezone.now()
    move.fields += ["revocation", "decided_by", "decided_at"]
    move.log.update({"revocation": revocation.pk, "decision_number": data["decision_number"]})


def _reject(move: Move) -> None:
    proposal = move.obj
    proposal.reason = move.reason
    proposal.decided_by, proposal.decided_at = move.by, timezone.now()
    move.fields += ["reason", "decided_by", "decided_at"]


PROPOSAL_TRANSITIONS = (
    Transition(
        "revoke",
        gettext_lazy("Revoke the certificate"),
        (P.PROPOSED,),
        P.REVOKED,
        log="ocop.revocation_proposal.followed",
        may=may_decide_proposal,
        step=_revoke,
    ),
    Transition(
        "reject",
        gettext_lazy("Do not follow"),
        (P.PROPOSED,),
        P.REJECTED,
        log="ocop.revocation_proposal.rejected",
        may=may_decide_proposal,
        needs_reason=True,
        step=_reject,
    ),
)
PROPOSAL_WORKFLOW = Workflow(
    model=RevocationProposal,
    states=ProposalState,
    transitions=PROPOSAL_TRANSITIONS,
    unit=lambda proposal: proposal.province,
    illegal=gettext_lazy("A proposal that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot decide on revocations in this province."),
    reason_missing=gettext_lazy("Say why the proposal is not followed."),
    reason_field="reason",
    related=("certificate__product__province", "ground", "visit"),
)
proposal_actions = PROPOSAL_WORKFLOW.available


def set_proposal_state(
    *, proposal: RevocationProposal, action: str, by, reason: str = "", **data
) -> RevocationProposal:
    """Follow a proposal (``decision_number``, ``decision_date``: the
    certificate is revoked by the certification app) or not (with a reason)."""
    return PROPOSAL_WORKFLOW.apply(obj=proposal, action=action, by=by, reason=reason, **data)
