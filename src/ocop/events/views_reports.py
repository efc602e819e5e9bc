"""Publicity output (materials distributed), support to subjects, each
subject's history, the subjects with no recent training, and the report of a
unit for a period (page and XLSX)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.downloads import bytes_response
from ocop.core.idempotency import once
from ocop.producers.domain.queries import subjects_visible_to

from . import rules
from .domain import history, report, support
from .domain.queries import distribution_totals, distributions_visible_to, supports_visible_to
from .domain.report_xlsx import report_xlsx
from .forms_reports import (
    DistributionFilterForm,
    DistributionForm,
    ReportForm,
    SupportFilterForm,
    SupportForm,
    UntrainedForm,
    managed_subjects,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _require_reader(user) -> None:
    if not rules.is_reader(user):
        raise PermissionDenied(_("Only officers, the advisory team and inspectors see this page."))


def _require_manager(user) -> None:
    if not rules.is_manager(user):
        raise PermissionDenied(_("Only commune, provincial and central officers record this."))


# Materials distributed -----------------------------------------------------------------


def distribution_list(request):
    _require_reader(request.user)
    form = DistributionFilterForm(request.GET or None, user=request.user)
    rows = form.filter(distributions_visible_to(request.user))
    totals = distribution_totals(rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/distribution_list.html",
        {
            "page": page,
            "form": form,
            "totals": totals,
            "can_record": rules.is_manager(request.user),
            "nav_active": "events",
        },
    )


@once
def distribution_new(request):
    _require_manager(request.user)
    form = DistributionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            support.record_distribution(by=request.user, **form.domain_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error("unit", str(exc))
        else:
            messages.success(request, _("Materials distributed recorded."))
            return redirect("events:distributions")
    return render(request, "events/distribution_form.html", {"form": form, "nav_active": "events"})


def distribution_delete(request, pk: int):
    distribution = get_object_or_404(distributions_visible_to(request.user), pk=pk)
    if request.method == "POST":
        support.remove_distribution(distribution=distribution, by=request.user)
        messages.success(request, _("The record of materials distributed was removed."))
        return redirect("events:distributions")
    if not rules.can_manage_unit(request.user, distribution.commune or distribution.province):
        raise PermissionDenied(_("You may only remove records of your own unit."))
    return render(
        request,
        "events/distribution_delete.html",
        {"distribution": distribution, "nav_active": "events"},
    )


# Support to subjects -------------------------------------------------------------------


def support_list(request):
    _require_reader(request.user)
    form = SupportFilterForm(request.GET or None)
    rows = form.filter(supports_visible_to(request.user)).select_related("subject__commune")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/support_list.html",
        {
            "page": page,
            "form": form,
            "can_record": rules.is_manager(request.user),
            "nav_active": "events",
        },
    )


@once
def support_new(request):
    _require_manager(request.user)
    subject = None
    if request.GET.get("subject", "").isdigit():
        subject = get_object_or_404(managed_subjects(request.user), pk=request.GET["subject"])
    form = SupportForm(request.POST or None, user=request.user, subject=subject)
    if request.method == "POST" and form.is_valid():
        try:
            record = support.record_support(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error("subject", str(exc))
        else:
            messages.success(request, _("Support to the subject recorded."))
            if subject is not None:
                return redirect("events:subject_history", pk=record.subject_id)
            return redirect("events:supports")
    return render(
        request,
        "events/support_form.html",
        {"form": form, "subject": subject, "nav_active": "events"},
    )


def support_delete(request, pk: int):
    record = get_object_or_404(supports_visible_to(request.user), pk=pk)
    if request.method == "POST":
        support.remove_support(support=record, by=request.user)
        messages.success(request, _("The record of support was removed."))
        return redirect("events:supports")
    if not rules.can_record_support(request.user, record.subject):
        raise PermissionDenied(_("You may only remove records of your own unit."))
    return render(
        request, "events/support_delete.html", {"support": record, "nav_active": "events"}
    )


# A subject's history and the subjects without recent training -------------------------


def subject_history(request, pk: int):
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    return render(
        request,
        "events/history_subject.html",
        {
            "subject": subject,
            "history": history.subject_history(subject),
            "can_record": rules.can_record_support(request.user, subject),
            "can_remove": rules.can_record_support(request.user, subject),
            "nav_active": "events",
        },
    )


def untrained(request):
    _require_reader(request.user)
    form = UntrainedForm(request.GET, user=request.user)
    valid = form.is_valid()
    years = form.cleaned_data["years"] if valid else UntrainedForm.DEFAULT_YEARS
    commune = form.cleaned_data["commune"] if valid else None
    today = timezone.localdate()
    subjects = subjects_visible_to(request.user)
    if commune is not None:
        subjects = subjects.filter(commune=commune)
    subjects = history.subjects_without_training(subjects, years=years, today=today).order_by(
        "search_text", "id"
    )
    if valid and request.GET.get("format") == "xlsx":
        data = history.untrained_xlsx(subjects, years=years, today=today)
        stamp = today.strftime("%Y%m%d")
        return bytes_response(
            data, filename=f"chu-the-chua-tap-huan-{years}-nam-{stamp}.xlsx", content_type=XLSX
        )
    page = Paginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/untrained_list.html",
        {
            "page": page,
            "form": form,
            "years": years,
            "since": history.years_before(today, years),
            "nav_active": "events",
        },
    )


# The report ----------------------------------------------------------------------------


def report_page(request):
    _require_reader(request.user)
    form = ReportForm(ReportForm.with_defaults(request.GET), user=request.user)
    found, unit = form.unit_for(request.GET.get("unit", ""))
    if not found:
        raise Http404(_("No such unit in your scope."))
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = report.build_report(
            unit=unit, date_from=data["date_from"], date_to=data["date_to"]
        )
        if request.GET.get("format") == "xlsx":
            code = unit.code if unit is not None else "toan-quoc"
            name = f"bao-cao-ocop-{code}-{result.date_from:%Y%m%d}-{result.date_to:%Y%m%d}.xlsx"
            return bytes_response(report_xlsx(result), filename=name, content_type=XLSX)
    return render(
        request,
        "events/report.html",
        {"form": form, "report": result, "unit": unit, "nav_active": "events"},
    )
