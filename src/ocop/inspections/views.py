"""Officers' list of consumer complaints and flagged stamps (thin views)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ocop.core.domain.activity import history_for

from .domain import complaints as complaint_domain
from .domain import queries
from .domain.flags import clear_stamp_flag
from .forms import ClearFlagForm, ComplaintActionForm, FeedFilterForm
from .rules import can_handle, can_view_inspections

NAV = "inspections"


def _require_officer(request):
    if not can_view_inspections(request.user):
        raise PermissionDenied(_("Only provincial and central officers and inspectors see this."))


@require_safe
def feed(request):
    """Complaints and flagged stamps in one list, newest first."""
    _require_officer(request)
    form = FeedFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = queries.feed_for(
        request.user,
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        province=filters.get("province"),
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/list.html",
        {"form": form, "page": page, "items": queries.feed_page(page), "nav_active": NAV},
    )


def _complaint(request, pk: int):
    _require_officer(request)
    return get_object_or_404(
        queries.complaints_visible_to(request.user).select_related(
            "product__subject", "product__commune", "stamp", "province", "handled_by"
        ),
        pk=pk,
    )


@require_safe
def complaint_detail(request, pk: int):
    return _complaint_page(request, _complaint(request, pk))


def _complaint_page(request, complaint, form=None, status=200):
    return render(
        request,
        "inspections/complaint_detail.html",
        {
            "complaint": complaint,
            "actions": complaint_domain.available(complaint, request.user),
            "form": form,
            "history": history_for(complaint)[:30],
            "nav_active": NAV,
        },
        status=status,
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


@require_POST
def complaint_act(request, pk: int):
    complaint = _complaint(request, pk)
    form = ComplaintActionForm(request.POST)
    if form.is_valid():
        try:
            complaint_domain.set_complaint_state(
                complaint=complaint,
                action=form.cleaned_data["action"],
                by=request.user,
                reason=form.cleaned_data["resolution"],
            )
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("inspections:complaint", pk=complaint.pk)
    return _complaint_page(request, complaint, form=form, status=400)


def _stamp(request, pk: int):
    _require_officer(request)
    return get_object_or_404(
        queries.stamps_visible_to(request.user).select_related(
            "batch__product__subject",
            "batch__product__commune",
            "batch__product__province",
        ),
        pk=pk,
    )


@require_safe
def stamp_detail(request, pk: int):
    return _stamp_page(request, _stamp(request, pk))


def _stamp_page(request, stamp, form=None, status=200):
    province = stamp.batch.product.province
    return render(
        request,
        "inspections/stamp_detail.html",
        {
            "stamp": stamp,
            "product": stamp.batch.product,
            "scans": queries.recent_scans(stamp),
            "reviews": stamp.flag_reviews.select_related("by"),
            "complaints": stamp.complaints.order_by("-created_at")[:20],
            "can_clear": stamp.flagged_at is not None and can_handle(request.user, province),
            "form": form or ClearFlagForm(),
            "history": history_for(stamp)[:30],
            "nav_active": NAV,
        },
        status=status,
    )


@require_POST
def stamp_clear(request, pk: int):
    stamp = _stamp(request, pk)
    form = ClearFlagForm(request.POST)
    if form.is_valid():
        try:
            clear_stamp_flag(stamp=stamp, by=request.user, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The flag is cleared; the review is kept."))
            return redirect("inspections:stamp", pk=stamp.pk)
    return _stamp_page(request, stamp, form=form, status=400)
