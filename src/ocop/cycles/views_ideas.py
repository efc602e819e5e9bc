"""Thin views of cycles, phases, rounds, ideas and business plans."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.core.domain.activity import history_for
from ocop.core.downloads import file_response
from ocop.core.idempotency import once

from . import rules
from .domain import cycles as cycle_domain
from .domain import ideas as idea_domain
from .domain import queries
from .enums import IdeaState
from .forms_ideas import (
    CycleForm,
    IdeaActionForm,
    IdeaFilterForm,
    IdeaForm,
    PhaseForm,
    PlanForm,
    RoundForm,
)


def _add_errors(form, error: ValidationError | PermissionDenied) -> None:
    """Show a domain error on the form: per field where it names one."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You are not allowed to do this."))
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _flash(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


# Cycles ------------------------------------------------------------------------


def cycle_list(request):
    cycles = (
        queries.cycles_visible_to(request.user)
        .annotate(n_ideas=Count("ideas"))
        .order_by("-year", "province__name", "pk")
    )
    page = Paginator(cycles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cycles/cycle_list.html",
        {
            "page": page,
            "can_create": cycle_domain.can_create_cycle(request.user),
            "nav_active": "cycles",
        },
    )


@once
def cycle_create(request):
    if not cycle_domain.can_create_cycle(request.user):
        raise PermissionDenied(_("Only provincial OCOP officers open a cycle."))
    form = CycleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycle_domain.create_cycle(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The cycle is open. Set its phases and rounds."))
            return redirect("cycles:cycle", cycle.pk)
    return render(
        request,
        "cycles/cycle_form.html",
        {"form": form, "title": _("Open an annual cycle"), "nav_active": "cycles"},
    )


def _cycle(request, pk: int):
    return get_object_or_404(queries.cycles_visible_to(request.user), pk=pk)


def _require_manager(request, cycle) -> None:
    if not cycle_domain.can_manage_cycle(request.user, cycle.province):
        raise PermissionDenied(_("Only the province's OCOP officers may manage its cycle."))


def cycle_edit(request, pk: int):
    cycle = _cycle(request, pk)
    _require_manager(request, cycle)
    form = CycleForm(request.POST or None, instance=cycle, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cycle_domain.update_cycle(cycle=cycle, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            cycle.refresh_from_db()
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cycles:cycle", cycle.pk)
    return render(
        request,
        "cycles/cycle_form.html",
        {"form": form, "title": cycle.title, "cycle": cycle, "nav_active": "cycles"},
    )


def cycle_detail(request, pk: int, phase_form=None, round_form=None):
    cycle = _cycle(request, pk)
    manages = cycle_domain.can_manage_cycle(request.user, cycle.province)
    today = timezone.localdate()
    ideas = queries.ideas_visible_to(request.user).filter(cycle=cycle).order_by("-registered_at")
    shown = list(ideas[:50])
    for idea in shown:
        idea.late_plan = idea_domain.plan_is_late(idea, today)
    return render(
        request,
        "cycles/cycle_detail.html",
        {
            "cycle": cycle,
            "phases": cycle.phases.all(),
            "rounds": cycle.rounds.all(),
            "ideas": shown,
            "ideas_total": ideas.count(),
            "today": today,
            "manages": manages,
            "phase_form": (phase_form or PhaseForm()) if manages else None,
            "round_form": (round_form or RoundForm()) if manages else None,
            "history": history_for(cycle)[:30],
            "nav_active": "cycles",
        },
    )


@require_POST
def phase_set(request, pk: int):
    cycle = _cycle(request, pk)
    _require_manager(request, cycle)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            cycle_domain.set_phase(cycle=cycle, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Phase dates saved."))
            return redirect("cycles:cycle", cycle.pk)
    return cycle_detail(request, pk, phase_form=form)


@require_POST
@once
def round_add(request, pk: int):
    cycle = _cycle(request, pk)
    _require_manager(request, cycle)
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            cycle_domain.add_round(cycle=cycle, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Round added."))
            return redirect("cycles:cycle", cycle.pk)
    return cycle_detail(request, pk, round_form=form)


# Ideas -------------------------------------------------------------------------


def idea_list(request):
    today = timezone.localdate()
    form = IdeaFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    ideas = idea_domain.filter_ideas(
        queries.ideas_visible_to(request.user).select_related("province"),
        filters=filters,
        today=today,
    ).order_by("-registered_at")
    page = Paginator(ideas, 50).get_page(request.GET.get("page"))
    for idea in page:
        idea.late_plan = idea_domain.plan_is_late(idea, today)
    return render(
        request,
        "cycles/idea_list.html",
        {"page": page, "form": form, "nav_active": "cycles"},
    )


@once
def idea_register(request):
    form = IdeaForm(request.POST or None, user=request.user)
    if request.method == "GET" and request.GET.get("cycle"):
        form.initial["cycle"] = request.GET["cycle"]
    if not form.fields["subject"].queryset.exists():
        raise PermissionDenied(_("Only producers and commune officers register product ideas."))
    if request.method == "POST" and form.is_valid():
        try:
            idea = idea_domain.register_idea(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The idea is registered and sent to the commune."))
            return redirect("cycles:idea", idea.pk)
    return render(
        request,
        "cycles/idea_form.html",
        {"form": form, "title": _("Register a product idea"), "nav_active": "cycles"},
    )


def _idea(request, pk: int):
    return get_object_or_404(queries.ideas_visible_to(request.user), pk=pk)


def idea_detail(request, pk: int, action_form=None):
    idea = _idea(request, pk)
    today = timezone.localdate()
    plan = idea.plan if idea_domain.has_plan(idea) else None
    can_submit_plan = (
        plan is None
        and idea.state == IdeaState.ACCEPTED
        and rules.producer_side(request.user, idea)
    )
    return render(
        request,
        "cycles/idea_detail.html",
        {
            "idea": idea,
            "plan": plan,
            "late_plan": idea_domain.plan_is_late(idea, today),
            "actions": idea_domain.available(idea, request.user),
            "action_form": action_form,
            "can_submit_plan": can_submit_plan,
            "history": history_for(idea)[:30],
            "nav_active": "cycles",
        },
    )


@require_POST
def idea_action(request, pk: int):
    idea = _idea(request, pk)
    form = IdeaActionForm(request.POST)
    if form.is_valid():
        try:
            idea_domain.set_idea_state(
                idea=idea,
                action=form.cleaned_data["action"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("cycles:idea", idea.pk)
    return idea_detail(request, pk, action_form=form)


def plan_submit(request, pk: int):
    idea = _idea(request, pk)
    if not rules.producer_side(request.user, idea):
        raise PermissionDenied(_("Only the subject's side may submit its business plan."))
    form = PlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea_domain.submit_plan(
                idea=idea,
                by=request.user,
                summary=form.cleaned_data["summary"],
                upload=form.cleaned_data["file"],
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The business plan has been submitted."))
            return redirect("cycles:idea", idea.pk)
    return render(
        request,
        "cycles/idea_plan_form.html",
        {"form": form, "idea": idea, "nav_active": "cycles"},
    )


def plan_file(request, pk: int):
    idea = _idea(request, pk)
    plan = idea.plan if idea_domain.has_plan(idea) else None
    if plan is None or not plan.file:
        raise Http404
    return file_response(plan.file, filename=plan.original_name or plan.file.name)
