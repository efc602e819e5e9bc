"""Thin views of the participants: online registration, the registrant's page
with its QR code, the officer's list with the add form and the Excel import,
check-in (list, scanner input, QR link), certificates and head counts."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ocop.core.downloads import bytes_response
from ocop.core.idempotency import once
from ocop.core.qr import qr_svg_data_uri
from ocop.core.uploads import XLSX
from ocop.producers.domain.queries import subjects_visible_to

from . import rules
from .domain import certificates, head_counts, importing, registrations
from .domain.queries import (
    activities_of_scope,
    activities_visible_to,
    filter_registrations,
    my_registrations,
    registration_counts,
    upcoming_registrations,
)
from .enums import ActivityState, Audience, CheckInMethod, RegistrationChannel, RegistrationState
from .forms_participants import (
    CheckInForm,
    HeadCountForm,
    ImportForm,
    ParticipantFilterForm,
    ParticipantForm,
    RegisterForm,
)
from .models import Registration

PDF = "application/pdf"
PER_PAGE = 100
NAV = {"nav_active": "events"}


# Helpers -------------------------------------------------------------------------------


def _add_errors(form, error: ValidationError) -> None:
    """A domain refusal onto the form: field errors by field, others on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _message_errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


def _managed_activity(request, pk: int):
    """An activity the user runs; any other is 404 (its existence not revealed)."""
    activity = get_object_or_404(activities_of_scope(request.user), pk=pk)
    if not rules.can_manage(request.user, activity):
        raise Http404
    return activity


def _registrations():
    return Registration.objects.select_related(
        "activity",
        "activity__province",
        "activity__commune",
        "subject",
        "checked_in_by",
        "user",
    )


def _registration(request, token: str) -> Registration:
    registration = get_object_or_404(_registrations(), token=token.upper())
    if not rules.can_view_registration(request.user, registration):
        raise Http404
    return registration


def scan_url(token: str) -> str:
    """The absolute URL inside a registration's QR code."""
    return settings.SITE_URL.rstrip("/") + reverse("events:scan", args=[token])


def token_groups(token: str) -> str:
    return " ".join(token[i : i + 4] for i in range(0, len(token), 4))


# Online registration -------------------------------------------------------------------


@once
def register(request, pk: int):
    user = request.user
    activity = get_object_or_404(activities_visible_to(user).prefetch_related("topics"), pk=pk)
    mine = activity.registrations.filter(user=user, state=RegistrationState.REGISTERED).first()
    subjects = registrations.own_subjects(user)
    if request.method == "POST":
        form = RegisterForm(request.POST, subjects=subjects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = registrations.register_online(
                    activity=activity,
                    by=user,
                    full_name=data["full_name"],
                    phone=data["phone"],
                    email=data["email"],
                    organisation=data["organisation"],
                    audience=data["audience"],
                    subject=data.get("subject"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("You are registered. Show this QR code when you arrive at the activity."),
                )
                return redirect("events:registration", registration.token)
        why_not = ""
    else:
        form = RegisterForm(initial=registrations.online_defaults(user), subjects=subjects)
        why_not = registrations.why_not_online(activity, timezone.localdate())
    return render(
        request,
        "events/registration_form.html",
        {**NAV, "activity": activity, "form": form, "mine": mine, "why_not": why_not},
    )


def mine(request):
    upcoming = request.GET.get("upcoming") == "1"
    if upcoming:  # the producer's dashboard: "trainings coming"
        rows = upcoming_registrations(request.user, today=timezone.localdate())
    else:
        rows = my_registrations(request.user)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "events/registration_list.html", {**NAV, "page": page, "upcoming": upcoming}
    )


def registration(request, token: str):
    registration = _registration(request, token)
    url = scan_url(registration.token)
    return render(
        request,
        "events/registration_detail.html",
        {
            **NAV,
            "registration": registration,
            "activity": registration.activity,
            "qr": qr_svg_data_uri(url),
            "scan_url": url,
            "token_groups": token_groups(registration.token),
            "can_cancel": registrations.can_cancel(request.user, registration),
            "is_manager": rules.can_manage(request.user, registration.activity),
        },
    )


@require_POST
def registration_cancel(request, token: str):
    registration = _registration(request, token)
    try:
        registrations.cancel_registration(registration=registration, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _message_errors(request, error)
    else:
        messages.success(
            request,
            _("The registration of %(name)s is cancelled; the place is free again.")
            % {"name": registration.full_name},
        )
    if request.POST.get("back") == "participants" and rules.can_manage(
        request.user, registration.activity
    ):
        return redirect("events:participants", registration.activity_id)
    return redirect("events:registration", registration.token)


# The officer's list ---------------------------------------------------------------------


def participants(request, pk: int):
    activity = _managed_activity(request, pk)
    subjects = subjects_visible_to(request.user)
    if request.method == "POST":
        form = ParticipantForm(request.POST, subjects=subjects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                added = registrations.register(
                    activity=activity,
                    by=request.user,
                    full_name=data["full_name"],
                    phone=data["phone"],
                    email=data["email"],
                    organisation=data["organisation"],
                    audience=data["audience"],
                    subject=data["subject_number"],
                    channel=RegistrationChannel.OFFICER,
                )
            except ValidationError as error:
                _add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": added.full_name})
                return redirect("events:participants", activity.pk)
    else:
        default = activity.target_groups[0] if activity.target_groups else Audience.SUBJECTS
        form = ParticipantForm(initial={"audience": default}, subjects=subjects)
    filters = ParticipantFilterForm(request.GET or None)
    rows = activity.registrations.select_related("subject", "checked_in_by")
    show = query = ""
    if filters.is_valid():
        show, query = filters.cleaned_data["show"], filters.cleaned_data["q"]
    rows = filter_registrations(rows, show=show, query=query)
    page = Paginator(rows.order_by("full_name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/participants.html",
        {
            **NAV,
            "activity": activity,
            "form": form,
            "filters": filters,
            "page": page,
            "counts": registration_counts(activity),
            "head_counts": list(activity.head_counts.all()),
            "can_add": activity.state != ActivityState.CANCELLED,
        },
    )


@once
def import_participants(request, pk: int):
    activity = _managed_activity(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                created = importing.import_registrations(
                    activity=activity, by=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                errors = error.messages
            except PermissionDenied as error:
                errors = [str(error)]
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s participant imported.", "%(n)s participants imported.", len(created)
                    )
                    % {"n": number_format(len(created), force_grouping=True)},
                )
                return redirect("events:participants", activity.pk)
    else:
        form = ImportForm()
    return render(
        request,
        "events/participants_import.html",
        {**NAV, "activity": activity, "form": form, "errors": errors},
    )


def import_template(request, pk: int):
    activity = _managed_activity(request, pk)
    return bytes_response(
        importing.template_workbook(),
        filename=f"danh-sach-tham-du-{activity.pk}.xlsx",
        content_type=XLSX.content_type,
    )


# Check-in ------------------------------------------------------------------------------


def _tell_check_in(request, registration, first_time: bool) -> None:
    if first_time:
        messages.success(request, _("%(name)s is checked in.") % {"name": registration.full_name})
    else:
        messages.warning(request, registrations.already_checked_in_message(registration))


def checkin(request, pk: int):
    """The check-in desk: a text input that a handheld scanner types the QR
    code's URL into (then Enter), the list with a tick button per person, and
    camera scanning where the browser can (checkin.js). After each check-in
    the page is shown again with the input empty and focused for the next
    person, so a refused code is reported as a message, not kept in the input."""
    activity = _managed_activity(request, pk)
    if request.method == "POST":
        try:
            if "registration" in request.POST:
                target = get_object_or_404(
                    activity.registrations, pk=request.POST.get("registration") or 0
                )
                method = CheckInMethod.LIST
            else:
                form = CheckInForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Scan the QR code or type the registration code."))
                target = registrations.find_for_check_in(
                    activity=activity, code=form.cleaned_data["code"]
                )
                method = CheckInMethod.QR
            done, first_time = registrations.check_in(
                registration=target, by=request.user, method=method
            )
        except (ValidationError, PermissionDenied) as error:
            _message_errors(request, error)
        else:
            _tell_check_in(request, done, first_time)
        query = request.POST.get("q", "")[:100]
        url = reverse("events:checkin", args=[activity.pk])
        return redirect(f"{url}?{urlencode({'q': query})}" if query else url)
    query = (request.GET.get("q") or "").strip()[:100]
    rows = activity.registrations.filter(state=RegistrationState.REGISTERED).select_related(
        "subject", "checked_in_by"
    )
    if query:
        rows = rows.filter(
            Q(full_name__icontains=query) | Q(phone__icontains=query) | Q(token=query.upper())
        )
    page = Paginator(rows.order_by("full_name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/checkin.html",
        {
            **NAV,
            "activity": activity,
            "form": CheckInForm(),
            "page": page,
            "query": query,
            "counts": registration_counts(activity),
            "not_yet": timezone.localdate() < activity.starts_on,
        },
    )


def scan(request, token: str):
    """The URL inside the QR code: a manager of the activity sees the person
    and checks them in; anyone else gets 404."""
    registration = get_object_or_404(_registrations(), token=token.upper())
    if not rules.can_manage(request.user, registration.activity):
        raise Http404
    if request.method == "POST":
        try:
            done, first_time = registrations.check_in(
                registration=registration, by=request.user, method=CheckInMethod.QR
            )
        except (ValidationError, PermissionDenied) as error:
            _message_errors(request, error)
        else:
            _tell_check_in(request, done, first_time)
        return redirect("events:scan", registration.token)
    return render(
        request,
        "events/checkin_scan.html",
        {
            **NAV,
            "registration": registration,
            "activity": registration.activity,
            "token_groups": token_groups(registration.token),
        },
    )


# Certificates and head counts ----------------------------------------------------------


def certificate(request, token: str):
    registration = _registration(request, token)
    try:
        pdf = certificates.render_certificate(registration)
    except ValidationError as error:
        _message_errors(request, error)
        return redirect("events:registration", registration.token)
    return bytes_response(
        pdf,
        filename=f"giay-chung-nhan-{registration.activity_id}-{registration.pk}.pdf",
        content_type=PDF,
    )


def certificates_pdf(request, pk: int):
    activity = _managed_activity(request, pk)
    try:
        pdf = certificates.render_certificates(activity)
    except ValidationError as error:
        _message_errors(request, error)
        return redirect("events:participants", activity.pk)
    return bytes_response(pdf, filename=f"giay-chung-nhan-{activity.pk}.pdf", content_type=PDF)


def head_counts_view(request, pk: int):
    activity = _managed_activity(request, pk)
    current = head_counts.current_counts(activity)
    if request.method == "POST":
        form = HeadCountForm(request.POST)
        if form.is_valid():
            counts = {k: v or 0 for k, v in form.cleaned_data.items()}
            try:
                head_counts.set_head_counts(activity=activity, by=request.user, counts=counts)
            except ValidationError as error:
                _add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The head counts are saved."))
                return redirect("events:head_counts", activity.pk)
    else:
        form = HeadCountForm(initial=current)
    return render(
        request,
        "events/head_counts.html",
        {
            **NAV,
            "activity": activity,
            "form": form,
            "total": sum(current.values()),
            "counts": registration_counts(activity),
        },
    )
