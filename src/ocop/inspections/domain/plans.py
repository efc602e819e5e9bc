"""Yearly inspection plans of a province (hậu kiểm): candidates proposed by
rules whose parameters are data (``PlanRuleSet``), additions by hand with a
reason, the province's approval through the workflow engine
(``set_plan_state``), and visits assigned to the province's inspectors.

The rules (each candidate keeps the codes of the rules that picked it):

* ``expiring``: a certificate in force that ends within ``expiring_months``;
* ``complaint``: an open consumer complaint about the product;
* ``flagged``: a stamp of the product flagged (clone detection) and not cleared;
* ``capacity``: more stamps approved over ``capacity_window_days`` than
  ``capacity_ratio`` × the declared annual capacity;
* ``never``: a certified product that no closed visit has inspected;
* ``random``: ``random_share`` of the other certified products, drawn with the
  plan's recorded seed (the same seed on the same data gives the same draw).
"""

import math
import random
import secrets
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.certification.domain.certificates import in_force_q
from ocop.certification.models import Certificate
from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.workdays import add_months
from ocop.core.workflow import Move, Transition, Workflow
from ocop.products.models import Product
from ocop.stamps.enums import RequestState
from ocop.stamps.models import Stamp, StampBatch

from ..enums import ComplaintState, PlanRuleCode, PlanState, VisitState
from ..models import Candidate, Checklist, Complaint, InspectionPlan, PlanRuleSet, Visit
from ..rules import can_prepare_plan, may_approve, may_prepare

R = PlanRuleCode
S = PlanState
EDITABLE = (S.DRAFT, S.RETURNED)


def rules_for_year(year: int) -> PlanRuleSet | None:
    """The rule set in force on 1 January of ``year`` (or the first to come
    into force during the year)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    in_force = PlanRuleSet.objects.filter(effective_from__lte=end).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    return (
        in_force.filter(effective_from__lte=start).order_by("-effective_from").first()
        or in_force.order_by("effective_from").first()
    )


def checklist_on(day: date) -> Checklist | None:
    """The newest checklist version in force on ``day``."""
    return (
        Checklist.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from", "-version")
        .first()
    )


def propose(*, province, rules: PlanRuleSet, seed: int, today: date) -> dict[int, list[str]]:
    """The products of ``province`` the rules pick on ``today``: product id →
    the codes of the rules that picked it (in the order of ``PlanRuleCode``)."""
    picked: dict[int, list[str]] = defaultdict(list)
    products = Product.objects.filter(province=province)
    certified = set(
        Certificate.objects.filter(in_force_q(today=today), product__province=province)
        .values_list("product_id", flat=True)
        .distinct()
    )
    horizon = add_months(today, rules.expiring_months)
    for pk in (
        Certificate.objects.filter(
            in_force_q(today=today), product__province=province, valid_until__lte=horizon
        )
        .values_list("product_id", flat=True)
        .distinct()
    ):
        picked[pk].append(R.EXPIRING)
    for pk in (
        Complaint.objects.filter(product__province=province)
        .exclude(state=ComplaintState.CLOSED)
        .values_list("product_id", flat=True)
        .distinct()
    ):
        picked[pk].append(R.COMPLAINT)
    for pk in (
        Stamp.objects.filter(batch__product__province=province, flagged_at__isnull=False)
        .values_list("batch__product_id", flat=True)
        .distinct()
    ):
        picked[pk].append(R.FLAGGED)
    since = timezone.now() - timedelta(days=rules.capacity_window_days)
    issued = dict(
        StampBatch.objects.filter(
            product__province=province,
            product__annual_capacity__isnull=False,
            state=RequestState.APPROVED,
            decided_at__gte=since,
        )
        .values_list("product_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "total")
    )
    capacity = dict(products.filter(pk__in=issued).values_list("pk", "annual_capacity"))
    # The window may differ from a year: the capacity is scaled to it.
    years = rules.capacity_window_days / 365
    for pk, total in sorted(issued.items()):
        if total > float(rules.capacity_ratio) * capacity[pk] * years:
            picked[pk].append(R.CAPACITY)
    inspected = set(
        Visit.objects.filter(product__province=province, state=VisitState.CLOSED)
        .values_list("product_id", flat=True)
        .distinct()
    )
    for pk in sorted(certified - inspected):
        picked[pk].append(R.NEVER)
    others = sorted(certified - set(picked))
    share = math.ceil(float(rules.random_share) * len(others)) if others else 0
    for pk in random.Random(seed).sample(others, share):  # noqa: S311 -- a sample, not a secret
        picked[pk].append(R.RANDOM)
    return dict(picked)


def _refuse_unless_preparer(user, province) -> None:
    if not can_prepare_plan(user, province):
        raise PermissionDenied(_("You cannot prepare inspection plans of this province."))


@transaction.atomic
def create_plan(
    *, province, year: int, by, seed: int | None = None, today: date | None = None
) -> InspectionPlan:
    """A draft plan for ``province`` and ``year`` with the candidates the
    rules in force propose (the seed of the random share is recorded)."""
    _refuse_unless_preparer(by, province)
    today = today or timezone.localdate()
    if InspectionPlan.objects.filter(province=province, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(province)s already has an inspection plan for %(year)s.")
                % {"province": province.name, "year": year}
            }
        )
    rules = rules_for_year(year)
    if rules is None:
        raise ValidationError(
            _(
                "No plan-selection rules are in force for %(year)s: load them first "
                "(manage.py load_inspection_data)."
            )
            % {"year": year}
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    plan = InspectionPlan.objects.create(
        province=province, year=year, rules=rules, seed=seed, proposed_on=today, created_by=by
    )
    picked = propose(province=province, rules=rules, seed=seed, today=today)
    Candidate.objects.bulk_create(
        [Candidate(plan=plan, product_id=pk, rules=codes) for pk, codes in sorted(picked.items())]
    )
    log_action(
        action="ocop.inspection_plan.created",
        by=by,
        obj=plan,
        unit=province,
        data={
            "year": year,
            "rules": rules.code,
            "seed": seed,
            "on": today.isoformat(),
            "candidates": {str(pk): codes for pk, codes in sorted(picked.items())},
        },
    )
    return plan


def active_candidates(plan: InspectionPlan):
    """The plan's candidates that were not removed."""
    return plan.candidates.filter(removed_at__isnull=True)


def _editable_plan(plan: InspectionPlan, by) -> InspectionPlan:
    plan = InspectionPlan.objects.select_for_update().select_related("province").get(pk=plan.pk)
    _refuse_unless_preparer(by, plan.province)
    if plan.state not in EDITABLE:
        raise ValidationError(_("Only a draft or returned plan can be changed."))
    return plan


@transaction.atomic
def add_candidate(*, plan: InspectionPlan, product: Product, reason: str, by) -> Candidate:
    """Add ``product`` to a draft (or returned) plan by hand, with the reason
    (also the explicit way back for a candidate removed earlier)."""
    plan = _editable_plan(plan, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this product is added.")})
    if product.province_id != plan.province_id:
        raise ValidationError({"product": _("The product is not in the plan's province.")})
    candidate, created = Candidate.objects.get_or_create(
        plan=plan, product=product, defaults={"rules": [R.MANUAL], "reason": reason, "added_by": by}
    )
    was_removed = not created and candidate.removed_at is not None
    if not created:
        if R.MANUAL in candidate.rules and not was_removed:
            raise ValidationError({"product": _("This product is already in the plan.")})
        candidate.rules = [*(c for c in candidate.rules if c != R.MANUAL), R.MANUAL]
        candidate.reason, candidate.added_by = reason, by
        candidate.removed_at, candidate.removed_by, candidate.removal_reason = None, None, ""
        candidate.save(
            update_fields=[
                "rules",
                "reason",
                "added_by",
                "removed_at",
                "removed_by",
                "removal_reason",
            ]
        )
    log_action(
        action="ocop.inspection_plan.candidate_added",
        by=by,
        obj=plan,
        unit=plan.province,
        data={"product": product.pk, "reason": reason, "re_added": was_removed},
    )
    return candidate


@transaction.atomic
def remove_candidate(*, plan: InspectionPlan, candidate: Candidate, reason: str, by) -> Candidate:
    """Take a candidate out of a draft (or returned) plan, with the reason.
    The row is kept, so that running the rules again does not bring it back;
    adding it by hand does."""
    plan = _editable_plan(plan, by)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk, plan=plan)
    if candidate.removed_at is not None:
        raise ValidationError(_("This product was already removed from the plan."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this product is removed from the plan.")})
    candidate.removed_at, candidate.removed_by = timezone.now(), by
    candidate.removal_reason = reason[:1000]
    candidate.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    log_action(
        action="ocop.inspection_plan.candidate_removed",
        by=by,
        obj=plan,
        unit=plan.province,
        data={"product": candidate.product_id, "rules": candidate.rules, "reason": reason},
    )
    return candidate


@transaction.atomic
def repropose(*, plan: InspectionPlan, by, today: date | None = None) -> dict[str, list[int]]:
    """Run the rules in force again on a draft (or returned) plan, on today's
    data and with the plan's seed: new products are added, the rules of the
    others brought up to date. Nothing is duplicated; a candidate an officer
    removed stays out (only adding it by hand brings it back); one the rules
    no longer pick (and nobody added by hand) is set aside, and comes back
    if a later run picks it again. Returns the product ids added, updated,
    set aside and kept out."""
    plan = _editable_plan(plan, by)
    today = today or timezone.localdate()
    rules = rules_for_year(plan.year)
    if rules is None:
        raise ValidationError(
            _("No plan-selection rules are in force for %(year)s.") % {"year": plan.year}
        )
    picked = propose(province=plan.province, rules=rules, seed=plan.seed, today=today)
    existing = {c.product_id: c for c in Candidate.objects.select_for_update().filter(plan=plan)}
    result: dict[str, list[int]] = {"added": [], "updated": [], "set_aside": [], "kept_out": []}
    now = timezone.now()
    new = []
    for pk, codes in sorted(picked.items()):
        candidate = existing.get(pk)
        if candidate is None:
            new.append(Candidate(plan=plan, product_id=pk, rules=codes))
            result["added"].append(pk)
            continue
        if candidate.removed_by_id is not None:
            result["kept_out"].append(pk)
            continue
        rules_now = [*codes, R.MANUAL] if R.MANUAL in candidate.rules else list(codes)
        if rules_now != candidate.rules or candidate.removed_at is not None:
            candidate.rules = rules_now
            candidate.removed_at, candidate.removal_reason = None, ""
            candidate.save(update_fields=["rules", "removed_at", "removal_reason"])
            result["updated"].append(pk)
    Candidate.objects.bulk_create(new)
    aside = _("No longer picked by the rules on %(day)s.") % {
        "day": date_format(today, "SHORT_DATE_FORMAT")
    }
    for pk, candidate in sorted(existing.items()):
        if pk in picked or candidate.removed_at is not None:
            continue
        if R.MANUAL in candidate.rules:
            if candidate.rules != [R.MANUAL]:
                candidate.rules = [R.MANUAL]
                candidate.save(update_fields=["rules"])
                result["updated"].append(pk)
            continue
        candidate.removed_at, candidate.removal_reason = now, aside
        candidate.save(update_fields=["removed_at", "removal_reason"])
        result["set_aside"].append(pk)
    plan.rules, plan.proposed_on = rules, today
    plan.save(update_fields=["rules", "proposed_on"])
    log_action(
        action="ocop.inspection_plan.reproposed",
        by=by,
        obj=plan,
        unit=plan.province,
        data={"rules": rules.code, "seed": plan.seed, "on": today.isoformat(), **result},
    )
    return result


# The plan's workflow: draft → submitted → approved, or returned with a reason.


def _submit(move: Move) -> None:
    if not active_candidates(move.obj).exists():
        raise ValidationError(_("The plan has no product to inspect."))


def _approve(move: Move) -> None:
    move.obj.approved_by, move.obj.approved_at = move.by, timezone.now()
    move.fields += ["approved_by", "approved_at"]


def _return(move: Move) -> None:
    move.obj.return_reason = move.reason
    move.fields.append("return_reason")


def _tell_preparers(move: Move) -> None:
    plan = move.obj
    users = [plan.created_by]
    if move.action == "submit":
        users = [
            a.user
            for a in RoleAssignment.objects.active()
            .filter(role__in=(Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN), unit=plan.province)
            .select_related("user")
        ]
    texts = {
        "submit": _("The inspection plan %(year)s of %(province)s waits for approval."),
        "approve": _("The inspection plan %(year)s of %(province)s is approved."),
        "return": _("The inspection plan %(year)s of %(province)s is returned: %(reason)s"),
    }
    notify(
        users=users,
        text=texts[move.action]
        % {"year": plan.year, "province": plan.province.name, "reason": move.reason},
        url=reverse("inspections:plan", args=[plan.pk]),
    )


PLAN_TRANSITIONS = (
    Transition(
        "submit",
        gettext_lazy("Submit for approval"),
        EDITABLE,
        S.SUBMITTED,
        log="ocop.inspection_plan.submitted",
        may=may_prepare,
        step=_submit,
        notify=_tell_preparers,
    ),
    Transition(
        "approve",
        gettext_lazy("Approve"),
        (S.SUBMITTED,),
        S.APPROVED,
        log="ocop.inspection_plan.approved",
        may=may_approve,
        step=_approve,
        notify=_tell_preparers,
    ),
    Transition(
        "return",
        gettext_lazy("Return with a reason"),
        (S.SUBMITTED,),
        S.RETURNED,
        log="ocop.inspection_plan.returned",
        may=may_approve,
        needs_reason=True,
        step=_return,
        notify=_tell_preparers,
    ),
)
PLAN_WORKFLOW = Workflow(
    model=InspectionPlan,
    states=PlanState,
    transitions=PLAN_TRANSITIONS,
    unit=lambda plan: plan.province,
    illegal=gettext_lazy("A plan that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot do this with the inspection plans of this province."),
    reason_missing=gettext_lazy("Say why the plan is returned."),
    reason_field="reason",
    related=("province", "created_by"),
)
available = PLAN_WORKFLOW.available


def set_plan_state(*, plan: InspectionPlan, action: str, by, reason: str = "") -> InspectionPlan:
    """Submit, approve or return a plan (with a reason), or refuse."""
    return PLAN_WORKFLOW.apply(obj=plan, action=action, by=by, reason=reason)


# Visits -------------------------------------------------------------------------------


def inspectors_of(province) -> list:
    """The accounts with an active inspector role in ``province``."""
    seen, users = set(), []
    for row in (
        RoleAssignment.objects.active()
        .filter(role=Role.INSPECTOR, unit=province)
        .select_related("user")
        .order_by("user__username")
    ):
        if row.user_id not in seen and row.user.is_active:
            seen.add(row.user_id)
            users.append(row.user)
    return users


@transaction.atomic
def assign_visit(
    *,
    plan: InspectionPlan,
    product: Product,
    inspector,
    on: date,
    by,
    follow_up_of: Visit | None = None,
) -> Visit:
    """Assign the visit of ``product`` on day ``on`` to ``inspector`` (an
    inspector of the plan's province). Only on an approved plan, only for its
    candidates (or as the re-visit of an earlier visit of the product)."""
    plan = InspectionPlan.objects.select_for_update().select_related("province").get(pk=plan.pk)
    _refuse_unless_preparer(by, plan.province)
    if plan.state != S.APPROVED:
        raise ValidationError(_("Visits are assigned once the plan is approved."))
    errors = {}
    if follow_up_of is None and not active_candidates(plan).filter(product=product).exists():
        errors["product"] = _("The product is not in the plan.")
    if follow_up_of is not None and follow_up_of.product_id != product.pk:
        errors["product"] = _("A re-visit is of the same product.")
    if inspector is None or inspector.pk not in {u.pk for u in inspectors_of(plan.province)}:
        errors["inspector"] = _("Choose an inspector of %(province)s.") % {
            "province": plan.province.name
        }
    if on is None:
        errors["on"] = _("Enter the date of the visit.")
    elif follow_up_of is None and on.year != plan.year:
        errors["on"] = _("The visit must fall in %(year)s, the plan's year.") % {"year": plan.year}
    if (
        not errors
        and follow_up_of is None
        and Visit.objects.filter(plan=plan, product=product, follow_up_of__isnull=True)
        .exclude(state=VisitState.CANCELLED)
        .exists()
    ):
        errors["product"] = _("This product already has a visit in the plan.")
    checklist = checklist_on(on) if on else None
    if on and checklist is None:
        errors["on"] = _("No inspection checklist is in force on that day.")
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(
        plan=plan,
        product=product,
        province=plan.province,
        inspector=inspector,
        scheduled_on=on,
        checklist=checklist,
        follow_up_of=follow_up_of,
    )
    log_action(
        action="ocop.inspection_visit.assigned",
        by=by,
        obj=visit,
        unit=plan.province,
        data={
            "plan": plan.pk,
            "product": product.pk,
            "inspector": inspector.username,
            "on": on.isoformat(),
            "follow_up_of": follow_up_of.pk if follow_up_of else None,
        },
    )
    notify(
        users=[inspector],
        text=_("You are assigned to inspect “%(product)s” on %(day)s.")
        % {"product": product.name, "day": date_format(on, "SHORT_DATE_FORMAT")},
        url=reverse("inspections:visit", args=[visit.pk]),
    )
    return visit
