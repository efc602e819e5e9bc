"""Product ideas and business plans.

A producer (or a commune officer on their behalf) registers an idea → the
commune receives it → the province accepts it, which asks for a business
plan within the cycle's number of working days, or rejects it with a reason.
The idea's state changes only through ``set_idea_state`` and its table.
"""

from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.uploads import DOCX, PDF, XLSX, check_upload
from ocop.core.workdays import add_working_days
from ocop.core.workflow import Move, Transition, Workflow
from ocop.cycles import rules
from ocop.cycles.enums import IdeaState as S
from ocop.cycles.models import BusinessPlan, Idea

from .workflow import next_actors

PLAN_KINDS = (PDF, DOCX, XLSX)


def can_register_for(user, subject) -> bool:
    """The subject's own people, or an officer of its commune on their behalf."""
    return rules.acts_for_subject(user, subject) or rules.is_commune_officer_for(
        user, subject.commune
    )


def _decided(move: Move) -> None:
    idea = move.obj
    idea.decided_at = timezone.now()
    idea.reason = move.reason
    move.fields += ["decided_at", "reason"]


def _accept(move: Move) -> None:
    """Ask for the business plan within the cycle's number of working days."""
    _decided(move)
    idea = move.obj
    idea.plan_due = add_working_days(move.today, idea.cycle.plan_deadline_days)
    move.fields.append("plan_due")


def _logged(move: Move) -> None:
    plan_due = move.obj.plan_due
    move.log["plan_due"] = plan_due.isoformat() if plan_due else None


def _tell(who: str):
    """The notification of a transition: tell ``who`` acts next."""

    def tell(move: Move) -> None:
        _notify(move.obj, who, reason=move.reason)

    tell.__name__ = f"tell_{who}"
    return tell


TRANSITIONS = (
    Transition(
        "receive",
        gettext_lazy("Receive the idea"),
        (S.SUBMITTED,),
        S.RECEIVED,
        log="ocop.idea.transition",
        may=rules.commune_side,
        notify=_tell("scheduler"),
    ),
    Transition(
        "accept",
        gettext_lazy("Accept and ask for a business plan"),
        (S.RECEIVED,),
        S.ACCEPTED,
        log="ocop.idea.transition",
        may=rules.scheduler,
        step=_accept,
        notify=_tell("producer"),
    ),
    Transition(
        "reject",
        gettext_lazy("Reject"),
        (S.RECEIVED,),
        S.REJECTED,
        log="ocop.idea.transition",
        may=rules.scheduler,
        needs_reason=True,
        step=_decided,
        notify=_tell("producer"),
    ),
)
WORKFLOW = Workflow(
    model=Idea,
    states=S,
    transitions=TRANSITIONS,
    unit=lambda idea: idea.commune,
    illegal=gettext_lazy("An idea that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot do this on this idea."),
    reason_missing=gettext_lazy("Give the reason for the rejection."),
    reason_field="reason",
    related=("cycle", "subject"),
    step=_logged,
)
available = WORKFLOW.available  # (idea, user) -> the buttons on the idea page


@transaction.atomic
def register_idea(
    *,
    by,
    cycle,
    subject,
    product_name: str,
    description: str,
    origin: str = "",
    category=None,
) -> Idea:
    """Register a product idea (phiếu đăng ký ý tưởng sản phẩm) in ``cycle``."""
    if not can_register_for(by, subject):
        raise PermissionDenied(
            _("Only the subject's own accounts or its commune's officers may register its ideas.")
        )
    if subject.province_id != cycle.province_id:
        raise ValidationError(
            {
                "cycle": _("The subject is not in %(province)s: choose its province's cycle.")
                % {"province": cycle.province.name}
            }
        )
    product_name = (product_name or "").strip()
    description = (description or "").strip()
    errors = {}
    if not product_name:
        errors["product_name"] = _("Name the product.")
    if not description:
        errors["description"] = _("Describe the idea.")
    if errors:
        raise ValidationError(errors)
    idea = Idea(
        cycle=cycle,
        subject=subject,
        product_name=product_name,
        description=description,
        origin=(origin or "").strip(),
        category=category,
        registered_by=by,
    )
    idea.save()
    log_action(
        action="ocop.idea.registered",
        by=by,
        obj=idea,
        unit=idea.commune,
        data={"cycle": cycle.pk, "subject": subject.pk, "product_name": product_name},
    )
    _notify(idea, "commune")
    return idea


def set_idea_state(*, idea: Idea, action: str, by, reason: str = "", today=None) -> Idea:
    """Take ``action`` on the idea or refuse with a reason; nothing is half-saved.
    ``today`` (default: today) is the day the business plan's deadline counts from."""
    return WORKFLOW.apply(obj=idea, action=action, by=by, reason=reason, today=today)


def receive_idea(*, idea: Idea, by) -> Idea:
    return set_idea_state(idea=idea, action="receive", by=by)


def decide_idea(*, idea: Idea, by, accept: bool, reason: str = "", today=None) -> Idea:
    return set_idea_state(
        idea=idea, action="accept" if accept else "reject", by=by, reason=reason, today=today
    )


@transaction.atomic
def submit_plan(*, idea: Idea, by, summary: str, upload=None, today=None) -> BusinessPlan:
    """Submit the business plan of an accepted idea; one after its deadline is late."""
    idea = Idea.objects.select_for_update().select_related("cycle", "subject").get(pk=idea.pk)
    if not rules.producer_side(by, idea):
        raise PermissionDenied(_("Only the subject's side may submit its business plan."))
    if idea.state != S.ACCEPTED:
        raise ValidationError(
            _("A business plan is asked for only once the idea is accepted (it is “%(state)s”).")
            % {"state": S(idea.state).label}
        )
    if BusinessPlan.objects.filter(idea=idea).exists():
        raise ValidationError(_("The business plan of this idea has already been submitted."))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Summarise the business plan.")})
    today = today or timezone.localdate()
    plan = BusinessPlan(
        idea=idea,
        summary=summary,
        submitted_by=by,
        submitted_on=today,
        late=bool(idea.plan_due and today > idea.plan_due),
    )
    if upload is not None:
        try:
            kind = check_upload(upload, kinds=PLAN_KINDS)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        plan.original_name = PurePath(upload.name or "").name[:255]
        plan.file.save(f"plan{kind.extensions[0]}", upload, save=False)
    plan.save()
    log_action(
        action="ocop.plan.submitted",
        by=by,
        obj=idea,
        unit=idea.commune,
        data={
            "submitted_on": today.isoformat(),
            "plan_due": idea.plan_due.isoformat() if idea.plan_due else None,
            "late": plan.late,
            "file": plan.original_name,
        },
    )
    _notify(idea, "scheduler", plan=plan)
    return plan


def _notify(idea: Idea, who: str, *, reason: str = "", plan=None) -> None:
    if not who:
        return
    if plan is not None:
        text = _("Idea “%(product)s”: business plan submitted.") % {"product": idea.product_name}
        if plan.late:
            text += " " + _("It is late.")
    else:
        text = _("Idea “%(product)s”: %(state)s.") % {
            "product": idea.product_name,
            "state": S(idea.state).label,
        }
    if idea.state == S.ACCEPTED and plan is None and idea.plan_due:
        text += " " + _("Business plan due by %(date)s.") % {
            "date": date_format(idea.plan_due, "SHORT_DATE_FORMAT")
        }
    if reason:
        text += " " + reason[:200]
    notify(
        users=next_actors(idea, who),
        text=text,
        url=reverse("cycles:idea", args=[idea.pk]),
    )


# Reads ------------------------------------------------------------------------


def late_plan_q(today) -> Q:
    """Ideas whose business plan came late, or is overdue and still missing."""
    return Q(plan__late=True) | Q(
        state=S.ACCEPTED, plan__isnull=True, plan_due__isnull=False, plan_due__lt=today
    )


def plan_is_late(idea: Idea, today) -> bool:
    if has_plan(idea):
        return idea.plan.late
    return idea.state == S.ACCEPTED and idea.plan_due is not None and idea.plan_due < today


def has_plan(idea: Idea) -> bool:
    try:
        idea.plan  # noqa: B018 -- the reverse one-to-one raises when there is none
    except BusinessPlan.DoesNotExist:
        return False
    return True


def filter_ideas(queryset, *, filters: dict, today):
    """Apply the ideas list's filters (cycle, state, commune, late plans,
    province, year of the cycle, with a business plan)."""
    if filters.get("cycle"):
        queryset = queryset.filter(cycle=filters["cycle"])
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("late"):
        queryset = queryset.filter(late_plan_q(today))
    if filters.get("province"):
        queryset = queryset.filter(province=filters["province"])
    if filters.get("year"):
        queryset = queryset.filter(cycle__year=filters["year"])
    if filters.get("plan"):
        queryset = queryset.filter(plan__isnull=False)
    return queryset
