"""Planning a council session: create it, edit or reschedule it while it
is planned (``domain.sessions.update_session``). The session's page and its
state transitions are in ``views``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.core.idempotency import once
from ocop.core.workdays import is_working_day

from .domain import queries
from .domain import sessions as session_domain
from .enums import SessionState
from .forms import SessionFilterForm, SessionForm
from .rules import can_manage_council, can_manage_session
from .views import _errors, _form_errors


@once
def session_create(request, pk: int):
    council = get_object_or_404(queries.councils_visible_to(request.user), pk=pk)
    if not can_manage_council(request.user, council):
        raise PermissionDenied
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_domain.create_session(
                council=council, by=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
        else:
            messages.success(request, _("The session is planned. Add the products to evaluate."))
            return redirect("evaluation:session", session.pk)
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": _("Plan a session"), "nav_active": "evaluation"},
    )


def session_edit(request, pk: int):
    """Edit or reschedule a planned session (title, date, start time, place)."""
    session = get_object_or_404(queries.sessions_visible_to(request.user), pk=pk)
    if not can_manage_session(request.user, session):
        raise PermissionDenied
    if session.state != SessionState.PLANNED:
        messages.error(request, session_domain.not_planned_message(session))
        return redirect("evaluation:session", session.pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_domain.update_session(
                session=session, by=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            if not is_working_day(session.date):
                messages.warning(
                    request,
                    _("%(date)s is not a working day.")
                    % {"date": date_format(session.date, "SHORT_DATE_FORMAT")},
                )
            return redirect("evaluation:session", session.pk)
    return render(
        request,
        "evaluation/form.html",
        {
            "form": form,
            "title": _("Edit or reschedule the session"),
            "nav_active": "evaluation",
        },
        status=400 if form.errors else 200,
    )


def session_list(request):
    form = SessionFilterForm(request.GET or None)
    sessions = queries.filter_sessions(
        queries.sessions_visible_to(request.user),
        filters=form.cleaned_data if form.is_valid() else {},
    )
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/session_list.html",
        {"page": page, "form": form, "nav_active": "evaluation"},
    )
