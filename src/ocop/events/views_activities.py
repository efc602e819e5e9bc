"""Thin views over ``ocop.events.domain`` for activities: the officer's list,
the activity page (public to whoever may see the activity, with management
blocks for its managers), the form, state changes, files, the report after
the event, the public calendar and the managed list of topics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ocop.core.domain.activity import history_for
from ocop.core.downloads import file_response
from ocop.core.idempotency import once
from ocop.core.language import render_in_chosen_language
from ocop.producers.domain.queries import home_commune

from . import rules
from .domain import activities as activity_domain
from .domain import files as file_domain
from .domain import topics as topic_domain
from .domain.queries import (
    activities_of_scope,
    activities_visible_to,
    places_left,
    public_calendar,
    registration_counts,
    with_registration_counts,
)
from .enums import ActivityLevel, ActivityState, RegistrationState
from .forms_activities import (
    ActivityFilterForm,
    ActivityForm,
    CalendarFilterForm,
    FileForm,
    ReportForm,
    TopicEditForm,
    TopicForm,
)
from .models import Activity, ActivityFile, Registration, Topic


def _errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


def _activity(request, pk: int) -> Activity:
    """The activity if the user may see it; 404 otherwise (existence not revealed)."""
    activity = get_object_or_404(activities_visible_to(request.user), pk=pk)
    if not rules.can_view(request.user, activity):
        raise Http404
    return activity


def _managed(request, pk: int) -> Activity:
    activity = _activity(request, pk)
    if not rules.can_manage(request.user, activity):
        raise PermissionDenied(_("Only the officers of the organising unit manage this activity."))
    return activity


# The officer's list and the form ------------------------------------------------------


def activity_list(request):
    if not rules.is_reader(request.user):
        raise PermissionDenied(_("The list of activities is for officers."))
    form = ActivityFilterForm(request.GET or None, user=request.user)
    activities = with_registration_counts(form.filter(activities_of_scope(request.user)))
    page = Paginator(activities.order_by("-starts_on", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/activity_list.html",
        {
            "page": page,
            "form": form,
            "can_create": rules.is_manager(request.user),
            "can_manage_topics": rules.can_manage_topics(request.user),
            "nav_active": "events",
        },
    )


def _data(form) -> tuple[dict, list]:
    data = dict(form.cleaned_data)
    topics = list(data.pop("topics") or [])
    return data, topics


def _default_organiser(user) -> str:
    organisation = getattr(user, "organisation", None)
    return organisation.name if organisation else ""


@once
def activity_new(request):
    if not rules.is_manager(request.user):
        raise PermissionDenied(_("Only officers create activities."))
    initial = {"organiser": _default_organiser(request.user), "is_public": True}
    commune = home_commune(request.user)
    if commune is not None:  # a commune officer's activity is at their commune's level
        initial.update({"level": ActivityLevel.COMMUNE, "commune": commune})
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, topics = _data(form)
        try:
            activity = activity_domain.create_activity(by=request.user, data=data, topics=topics)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:  # a unit outside the scope: the form again, as typed
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Activity created."))
            return redirect("events:activity", activity.pk)
    return render(
        request,
        "events/activity_form.html",
        {"form": form, "activity": None, "nav_active": "events"},
    )


def activity_edit(request, pk: int):
    activity = _managed(request, pk)
    form = ActivityForm(
        request.POST or None,
        instance=activity,
        user=request.user,
        initial={"topics": list(activity.topics.all())},
    )
    if request.method == "POST" and form.is_valid():
        data, topics = _data(form)
        try:
            activity_domain.update_activity(
                by=request.user, activity=activity, data=data, topics=topics
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:  # moved to a unit outside the scope
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Activity saved."))
            return redirect("events:activity", activity.pk)
    return render(
        request,
        "events/activity_form.html",
        {"form": form, "activity": activity, "nav_active": "events"},
    )


# The activity page ---------------------------------------------------------------------


def _files_readable(activity, *, manages: bool) -> bool:
    """Materials and photos of a public activity are public; else managers only."""
    return manages or activity.is_public


@login_not_required
@require_safe
def activity_detail(request, pk: int):
    activity = _activity(request, pk)
    user = request.user
    manages = rules.can_manage(user, activity)
    counts = registration_counts(activity)
    files = list(activity.files.all()) if _files_readable(activity, manages=manages) else []
    own_registration = None
    if user.is_authenticated:
        own_registration = Registration.objects.filter(
            activity=activity, user=user, state=RegistrationState.REGISTERED
        ).first()
    context = {
        "activity": activity,
        "topics": list(activity.topics.all()),
        "registered_count": counts["registered"],
        "places_left": places_left(activity, registered=counts["registered"]),
        "materials": [f for f in files if f.kind == ActivityFile.Kind.MATERIAL],
        "photos": [f for f in files if f.kind == ActivityFile.Kind.PHOTO],
        "held": activity.state == ActivityState.HELD,
        "manages": manages,
        "own_registration": own_registration,
        "can_register": rules.can_register_online(user, activity) and own_registration is None,
        "sign_in_to_register": (
            not user.is_authenticated
            and activity.is_public
            and activity.state == ActivityState.OPEN
        ),
        "nav_active": "events",
    }
    if manages:
        context.update(
            {
                "actions": activity_domain.available(activity, user),
                "history": history_for(activity)[:50],
                "attended_count": counts["attended"],
            }
        )
    return render(request, "events/activity_detail.html", context)


@require_POST
def activity_state(request, pk: int):
    activity = _activity(request, pk)
    try:
        activity = activity_domain.set_activity_state(
            activity=activity,
            action=request.POST.get("action", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("The activity is now “%(state)s”.") % {"state": ActivityState(activity.state).label},
        )
    return redirect("events:activity", activity.pk)


# Files ---------------------------------------------------------------------------------


def activity_files(request, pk: int):
    activity = _managed(request, pk)
    form = FileForm(request.POST or None, request.FILES or None)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            file_domain.add_file(
                activity=activity,
                by=request.user,
                kind=data["kind"],
                upload=data["upload"],
                caption=data["caption"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("File added."))
            if back == "report":
                return redirect("events:report_after", activity.pk)
            return redirect("events:files", activity.pk)
    if request.method == "POST" and back == "report" and form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("events:report_after", activity.pk)
    return render(
        request,
        "events/activity_files.html",
        {
            "activity": activity,
            "form": form,
            "files": list(activity.files.select_related("uploaded_by")),
            "nav_active": "events",
        },
        status=400 if form.errors else 200,
    )


@login_not_required
@require_safe
def file_download(request, pk: int, fid: int):
    activity = _activity(request, pk)
    if not _files_readable(activity, manages=rules.can_manage(request.user, activity)):
        raise Http404
    stored = get_object_or_404(ActivityFile, activity=activity, pk=fid)
    return file_response(
        stored.file,
        filename=stored.original_name or stored.file.name.rsplit("/", 1)[-1],
        content_type=stored.content_type,
        inline=stored.kind == ActivityFile.Kind.PHOTO,
    )


@require_POST
def file_delete(request, pk: int, fid: int):
    activity = _managed(request, pk)
    stored = get_object_or_404(ActivityFile, activity=activity, pk=fid)
    try:
        file_domain.remove_file(file=stored, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("File removed."))
    if request.POST.get("next") == "report":
        return redirect("events:report_after", activity.pk)
    return redirect("events:files", activity.pk)


# The report after the event ------------------------------------------------------------


def report_after(request, pk: int):
    activity = _managed(request, pk)
    form = ReportForm(request.POST or None, initial={"outcome": activity.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            activity_domain.save_report(
                activity=activity, by=request.user, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Report saved."))
            return redirect("events:activity", activity.pk)
    return render(
        request,
        "events/activity_report.html",
        {
            "activity": activity,
            "form": form,
            "held": activity.state == ActivityState.HELD,
            "photos": list(activity.files.filter(kind=ActivityFile.Kind.PHOTO)),
            "nav_active": "events",
        },
        status=400 if form.errors else 200,
    )


# The public calendar -------------------------------------------------------------------


@login_not_required
@require_safe
def calendar(request):
    """Upcoming public activities, planned or open for registration, by month.
    ``?lang=en`` shows the page in English (and keeps the choice)."""
    form = CalendarFilterForm(request.GET or None)
    activities = with_registration_counts(public_calendar(today=timezone.localdate()))
    if form.is_valid():
        if form.cleaned_data["province"]:
            activities = activities.filter(province=form.cleaned_data["province"])
        if form.cleaned_data["kind"]:
            activities = activities.filter(kind=form.cleaned_data["kind"])
    activities = list(activities[:300])
    for activity in activities:
        activity.places_left = places_left(activity, registered=activity.registered_count)
    return render_in_chosen_language(
        request,
        "events/calendar.html",
        {"form": form, "activities": activities, "nav_active": "events"},
    )


# Topics --------------------------------------------------------------------------------


def _topic_manager(request) -> None:
    if not rules.can_manage_topics(request.user):
        raise PermissionDenied(_("Only administrators manage the list of topics."))


def topic_list(request):
    _topic_manager(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = topic_domain.create_topic(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Topic “%(name)s” added.") % {"name": topic.name})
            return redirect("events:topics")
    topics = Topic.objects.annotate(activity_count=Count("activities")).order_by(
        "-active", "position", "name"
    )
    return render(
        request,
        "events/topic_list.html",
        {"form": form, "topics": topics, "nav_active": "events"},
        status=400 if form.errors else 200,
    )


def topic_edit(request, tid: int):
    _topic_manager(request)
    topic = get_object_or_404(Topic, pk=tid)
    form = TopicEditForm(
        request.POST or None,
        initial={
            "name": topic.name,
            "name_en": topic.name_en,
            "position": topic.position,
            "active": topic.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            topic_domain.update_topic(by=request.user, topic=topic, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("events:topics")
    return render(
        request,
        "events/topic_edit.html",
        {"form": form, "topic": topic, "nav_active": "events"},
        status=400 if form.errors else 200,
    )
