"""Pages of the post-certification inspection: plans, visits, proposals and
figures (thin views over ``domain/plans.py``, ``visits.py``, ``proposals.py``
and ``fieldwork.py``)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ocop.core.domain.activity import history_for
from ocop.core.downloads import bytes_response, file_response
from ocop.core.idempotency import once
from ocop.products.models import Product

from .domain import fieldwork, plans, proposals, visits
from .domain.report import render_report
from .enums import FindingType, PlanRuleCode, PlanState, VisitState
from .forms_fieldwork import (
    AcknowledgeForm,
    ActionReasonForm,
    AnswersForm,
    AssignForm,
    CandidateForm,
    CloseForm,
    CorrectiveActionForm,
    FiguresForm,
    PhotoForm,
    PlanCreateForm,
    ProposalForm,
    RemoveCandidateForm,
    RevisitForm,
    VoidForm,
)
from .models import Answer, Candidate
from .rules import can_prepare_plan, can_view_plans, may_record
from .views import _add_errors

NAV = "inspection_plans"
RULE_LABELS = dict(PlanRuleCode.choices)


def _require_viewer(request):
    if not can_view_plans(request.user):
        raise PermissionDenied(_("Only provincial and central officers and inspectors see this."))


def _preparable_provinces(user):
    return [p for p in fieldwork.provinces_for_plans(user) if can_prepare_plan(user, p)]


# Plans -----------------------------------------------------------------------------------


@require_safe
def plan_list(request, form=None, status=200):
    _require_viewer(request)
    rows = (
        fieldwork.plans_visible_to(request.user)
        .annotate(
            n_candidates=Count(
                "candidates", filter=Q(candidates__removed_at__isnull=True), distinct=True
            ),
            n_visits=Count("visits", distinct=True),
        )
        .order_by("-year", "province__name", "pk")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    provinces = _preparable_provinces(request.user)
    if form is None and provinces:
        form = PlanCreateForm(
            provinces=fieldwork.provinces_for_plans(request.user).filter(
                pk__in=[p.pk for p in provinces]
            )
        )
    return render(
        request,
        "inspections/plan_list.html",
        {"page": page, "form": form, "nav_active": NAV},
        status=status,
    )


@require_POST
@once
def plan_create(request):
    _require_viewer(request)
    provinces = fieldwork.provinces_for_plans(request.user).filter(
        pk__in=[p.pk for p in _preparable_provinces(request.user)]
    )
    form = PlanCreateForm(request.POST, provinces=provinces)
    if form.is_valid():
        try:
            plan = plans.create_plan(
                province=form.cleaned_data["province"],
                year=form.cleaned_data["year"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The plan is drafted with the proposed candidates."))
            return redirect("inspections:plan", pk=plan.pk)
    request.method = "GET"
    return plan_list(request, form=form, status=400)


def _plan(request, pk):
    _require_viewer(request)
    return get_object_or_404(fieldwork.plans_visible_to(request.user), pk=pk)


def _plan_page(
    request,
    plan,
    *,
    candidate_form=None,
    remove_form=None,
    assign_form=None,
    act_form=None,
    status=200,
):
    preparer = can_prepare_plan(request.user, plan.province)
    rows = list(
        Candidate.objects.filter(plan=plan).select_related(
            "product__subject", "product__commune", "removed_by"
        )
    )
    for candidate in rows:
        candidate.rule_labels = [RULE_LABELS.get(code, code) for code in candidate.rules]
    candidates = [c for c in rows if c.removed_at is None]
    removed = [c for c in rows if c.removed_at is not None]
    editable = preparer and plan.state in plans.EDITABLE
    if editable and remove_form is None and candidates:
        remove_form = RemoveCandidateForm(candidates=_active(plan), prefix="remove")
    plan_visits = list(
        plan.visits.select_related("product", "inspector").order_by("scheduled_on", "pk")
    )
    visited = {v.product_id for v in plan_visits if v.state != VisitState.CANCELLED}
    if preparer and plan.state in plans.EDITABLE and candidate_form is None:
        candidate_form = CandidateForm(province=plan.province)
    if preparer and plan.state == PlanState.APPROVED and assign_form is None:
        assign_form = AssignForm(
            products=_unvisited(plan, visited), inspectors=plans.inspectors_of(plan.province)
        )
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "candidates": candidates,
            "removed": removed,
            "remove_form": remove_form if editable else None,
            "repropose": editable,
            "visits": plan_visits,
            "actions": plans.available(plan, request.user),
            "act_form": act_form,
            "candidate_form": candidate_form if plan.state in plans.EDITABLE else None,
            "assign_form": assign_form if plan.state == PlanState.APPROVED else None,
            "history": history_for(plan)[:30],
            "nav_active": NAV,
        },
        status=status,
    )


def _active(plan):
    return (
        plans.active_candidates(plan)
        .select_related("product")
        .order_by("product__search_text", "pk")
    )


def _unvisited(plan, visited):
    return (
        Product.objects.filter(pk__in=plans.active_candidates(plan).values("product_id"))
        .exclude(pk__in=visited)
        .order_by("search_text")
    )


@require_safe
def plan_detail(request, pk: int):
    return _plan_page(request, _plan(request, pk))


@require_POST
def plan_act(request, pk: int):
    plan = _plan(request, pk)
    form = ActionReasonForm(request.POST)
    if form.is_valid():
        try:
            plans.set_plan_state(
                plan=plan,
                action=form.cleaned_data["action"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("inspections:plan", pk=plan.pk)
    return _plan_page(request, plan, act_form=form, status=400)


@require_POST
@once
def plan_add(request, pk: int):
    plan = _plan(request, pk)
    form = CandidateForm(request.POST, province=plan.province)
    if form.is_valid():
        try:
            plans.add_candidate(
                plan=plan,
                product=form.cleaned_data["product"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The product is added to the plan."))
            return redirect("inspections:plan", pk=plan.pk)
    return _plan_page(request, plan, candidate_form=form, status=400)


@require_POST
def plan_remove(request, pk: int):
    plan = _plan(request, pk)
    form = RemoveCandidateForm(request.POST, candidates=_active(plan), prefix="remove")
    if form.is_valid():
        try:
            plans.remove_candidate(
                plan=plan,
                candidate=form.cleaned_data["candidate"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The product is removed from the plan."))
            return redirect("inspections:plan", pk=plan.pk)
    return _plan_page(request, plan, remove_form=form, status=400)


@require_POST
@once
def plan_repropose(request, pk: int):
    plan = _plan(request, pk)
    try:
        result = plans.repropose(plan=plan, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        for text in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, text)
        return redirect("inspections:plan", pk=plan.pk)
    messages.success(
        request,
        _(
            "The rules were run again: %(added)s added, %(updated)s updated, %(aside)s no "
            "longer picked, %(kept)s removed earlier and kept out."
        )
        % {
            "added": len(result["added"]),
            "updated": len(result["updated"]),
            "aside": len(result["set_aside"]),
            "kept": len(result["kept_out"]),
        },
    )
    return redirect("inspections:plan", pk=plan.pk)


@require_POST
@once
def plan_assign(request, pk: int):
    plan = _plan(request, pk)
    form = AssignForm(
        request.POST,
        products=_unvisited(plan, set()),
        inspectors=plans.inspectors_of(plan.province),
    )
    if form.is_valid():
        try:
            visit = plans.assign_visit(
                plan=plan,
                product=form.cleaned_data["product"],
                inspector=form.cleaned_data["inspector"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The visit is assigned."))
            return redirect("inspections:visit", pk=visit.pk)
    return _plan_page(request, plan, assign_form=form, status=400)


# Visits ----------------------------------------------------------------------------------


@require_safe
def visit_list(request):
    _require_viewer(request)
    rows = fieldwork.visits_visible_to(request.user)
    mine = request.GET.get("mine") == "1"
    if mine:
        rows = rows.filter(inspector=request.user)
    page = Paginator(rows.order_by("state", "scheduled_on", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "inspections/visit_list.html", {"page": page, "mine": mine, "nav_active": NAV}
    )


def _visit(request, pk):
    _require_viewer(request)
    return get_object_or_404(fieldwork.visits_visible_to(request.user), pk=pk)


def _visit_page(request, visit, forms=None, status=200):
    forms = forms or {}
    recorder = visit.state == VisitState.PLANNED and may_record(request.user, visit)
    items = list(visit.checklist.items.all())
    answers = {a.item_id: a for a in Answer.objects.filter(visit=visit)}
    context = {
        "visit": visit,
        "product": visit.product,
        "recorder": recorder,
        "items": [(item, answers.get(item.pk)) for item in items],
        "photos": list(visit.photos.all()),
        "corrective": list(visit.actions.select_related("resolved_by")),
        "proposal": getattr(visit, "proposal", None),
        "visit_actions": [
            t for t in visits.visit_actions(visit, request.user) if t.action != "close"
        ],
        "history": history_for(visit)[:30],
        "nav_active": NAV,
        "today": timezone.localdate(),
        "reference": fieldwork.product_reference(product=visit.product, today=timezone.localdate()),
    }
    if recorder:
        context.update(
            answers_form=forms.get("answers")
            or AnswersForm(items=items, answers=answers, initial={"notes": visit.notes}),
            photo_form=forms.get("photo") or PhotoForm(),
            ack_form=forms.get("ack")
            or AcknowledgeForm(
                initial={"name": visit.representative_name, "title": visit.representative_title}
            ),
            action_form=forms.get("action") or CorrectiveActionForm(),
            close_form=forms.get("close") or CloseForm(product=visit.product),
        )
    if visit.state == VisitState.CLOSED:
        context["void_form"] = forms.get("void") or VoidForm()
        if can_prepare_plan(request.user, visit.province):
            context["revisit_form"] = forms.get("revisit") or RevisitForm(
                inspectors=plans.inspectors_of(visit.province)
            )
    if context["proposal"] is not None:
        context["proposal_actions"] = proposals.proposal_actions(context["proposal"], request.user)
        context["proposal_form"] = forms.get("proposal") or ProposalForm()
    context["cancel_form"] = forms.get("cancel") or ActionReasonForm(initial={"action": "cancel"})
    return render(request, "inspections/visit_detail.html", context, status=status)


@require_safe
def visit_detail(request, pk: int):
    return _visit_page(request, _visit(request, pk))


def _done(request, visit, text):
    messages.success(request, text)
    return redirect("inspections:visit", pk=visit.pk)


@require_POST
def visit_answers(request, pk: int):
    visit = _visit(request, pk)
    form = AnswersForm(request.POST, items=visit.checklist.items.all())
    if form.is_valid():
        try:
            visits.save_answers(
                visit=visit,
                answers=form.answers(),
                notes=form.cleaned_data["notes"],
                client_id=form.cleaned_data["client_id"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("The answers are saved."))
    return _visit_page(request, visit, {"answers": form}, status=400)


@require_POST
@once
def visit_photo(request, pk: int):
    visit = _visit(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visits.add_photo(
                visit=visit,
                upload=data["photo"],
                caption=data["caption"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                location_consent=data["location_consent"],
                client_id=data["client_id"],
                taken_at=data["taken_at"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("The photo is attached."))
    return _visit_page(request, visit, {"photo": form}, status=400)


@require_POST
def visit_acknowledge(request, pk: int):
    visit = _visit(request, pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            visits.acknowledge(visit=visit, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("The acknowledgment is recorded."))
    return _visit_page(request, visit, {"ack": form}, status=400)


@require_POST
@once
def visit_action(request, pk: int):
    visit = _visit(request, pk)
    form = CorrectiveActionForm(request.POST)
    if form.is_valid():
        try:
            visits.add_corrective_action(visit=visit, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("The corrective action is added."))
    return _visit_page(request, visit, {"action": form}, status=400)


@require_POST
def visit_close(request, pk: int):
    visit = _visit(request, pk)
    form = CloseForm(request.POST, product=visit.product)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visits.set_visit_state(
                visit=visit,
                action="close",
                by=request.user,
                outcome=data["outcome"],
                visited_on=data["visited_on"],
                ground=data["ground"],
                evidence=data["evidence"],
                complaints=[c.pk for c in data["complaints"]],
                flags=[s.pk for s in data["flags"]],
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("The visit is closed."))
    return _visit_page(request, visit, {"close": form}, status=400)


@require_POST
def visit_cancel(request, pk: int):
    visit = _visit(request, pk)
    form = ActionReasonForm(request.POST)
    if form.is_valid():
        try:
            visits.set_visit_state(
                visit=visit, action="cancel", by=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("The visit is cancelled."))
    return _visit_page(request, visit, {"cancel": form}, status=400)


@require_POST
def visit_void(request, pk: int):
    visit = _visit(request, pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            count = visits.void_misused_stamps(
                visit=visit, serials=form.cleaned_data["serials"], by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("%(n)s stamp(s) voided.") % {"n": count})
    return _visit_page(request, visit, {"void": form}, status=400)


@require_POST
@once
def visit_revisit(request, pk: int):
    visit = _visit(request, pk)
    form = RevisitForm(request.POST, inspectors=plans.inspectors_of(visit.province))
    if form.is_valid():
        try:
            new = plans.assign_visit(
                plan=visit.plan,
                product=visit.product,
                inspector=form.cleaned_data["inspector"],
                on=form.cleaned_data["on"],
                follow_up_of=visit,
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, new, _("The re-visit is assigned."))
    return _visit_page(request, visit, {"revisit": form}, status=400)


@require_safe
def visit_pdf(request, pk: int):
    visit = _visit(request, pk)
    return bytes_response(
        render_report(visit=visit),
        filename=f"bien-ban-kiem-tra-{visit.pk}.pdf",
        content_type="application/pdf",
    )


@require_safe
def visit_photo_file(request, pk: int, photo: int):
    visit = _visit(request, pk)
    item = get_object_or_404(visit.photos, pk=photo)
    return file_response(item.file, filename=item.file.name.rsplit("/", 1)[-1], inline=True)


@require_POST
def proposal_act(request, pk: int):
    visit = _visit(request, pk)
    proposal = get_object_or_404(fieldwork.proposals_visible_to(request.user), visit=visit)
    form = ProposalForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposals.set_proposal_state(
                proposal=proposal,
                action=data["action"],
                by=request.user,
                reason=data["reason"],
                decision_number=data["decision_number"].strip(),
                decision_date=data["decision_date"],
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            return _done(request, visit, _("Done."))
    return _visit_page(request, visit, {"proposal": form}, status=400)


# Figures ---------------------------------------------------------------------------------


@require_safe
def figures(request):
    _require_viewer(request)
    form = FiguresForm(request.GET or None)
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    rows, totals = fieldwork.figures(user=request.user, start=start, end=end)
    labels = dict(FindingType.choices)
    return render(
        request,
        "inspections/figures.html",
        {
            "form": form,
            "rows": rows,
            "totals": [(labels[k], v) for k, v in totals.items()],
            "kinds": list(labels.items()),
            "start": start,
            "end": end,
            "nav_active": NAV,
        },
    )
