"""Thin views over ``ocop.stamps.domain``: requests, the officers' list,
the batch page with its actions, label sheets and voiding."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ocop.accounts.rules import has_role
from ocop.core import confirm
from ocop.core.domain.activity import history_for
from ocop.core.downloads import bytes_response, file_response
from ocop.core.idempotency import once
from ocop.cycles.rules import PRODUCER_ROLES
from ocop.products.domain.queries import products_visible_to, status_q
from ocop.products.enums import OcopStatus

from . import rules
from .domain import batches as batch_domain
from .domain import labels, making, queries
from .domain.serials import format_serial
from .enums import LabelState, RequestState
from .forms import BatchFilterForm, StampRequestForm, VoidForm
from .models import LabelSheet, StampBatch

VOIDED_SHOWN = 200


def _errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


def _batch(request, pk: int) -> StampBatch:
    return get_object_or_404(queries.batches_visible_to(request.user), pk=pk)


def _requestable_products(user):
    """Certified products of the user's own subjects (for the list's shortcut)."""
    if not has_role(user, *PRODUCER_ROLES):
        return []
    products = products_visible_to(user).filter(status_q(OcopStatus.CERTIFIED)).order_by("name")
    return [p for p in products[:50] if rules.can_request(user, p)]


def batch_list(request):
    form = BatchFilterForm(request.GET or None)
    batches = queries.filter_batches(
        queries.batches_visible_to(request.user),
        filters=form.cleaned_data if form.is_valid() else {},
    )
    page = Paginator(batches.order_by("-requested_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "stamps/batch_list.html",
        {
            "page": page,
            "form": form,
            "requestable": _requestable_products(request.user),
            "nav_active": "stamps",
        },
    )


@once
def batch_request(request, product_pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=product_pk)
    if not rules.can_request(request.user, product):
        raise PermissionDenied(_("Only the subject's own people can request its stamps."))
    form = StampRequestForm(request.POST or None, product=product)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batch_domain.request_stamps(
                product=product,
                quantity=data["quantity"],
                production_batch=data["production_batch"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Stamps requested. The provincial office will reply."))
            return redirect("stamps:batch", batch.pk)
    certificate_problem = None
    try:
        batch_domain.certificate_in_force(product, today=timezone.localdate())
    except ValidationError as error:
        certificate_problem = error.messages[0]
    return render(
        request,
        "stamps/batch_request.html",
        {
            "form": form,
            "product": product,
            "certificate_problem": certificate_problem,
            "max_quantity": batch_domain.max_per_request(),
            "nav_active": "stamps",
        },
    )


def batch_detail(request, pk: int, *, void_form=None):
    batch = _batch(request, pk)
    user = request.user
    approved = batch.state == RequestState.APPROVED
    in_progress = making.making(batch)
    can_void = approved and not in_progress and rules.can_void(user, batch)
    can_print = approved and not in_progress and rules.can_download_labels(user, batch)
    active = queries.active_stamps(batch).count() if approved else 0
    voided = list(queries.voided_stamps(batch)[:VOIDED_SHOWN]) if approved else []
    return render(
        request,
        "stamps/batch_detail.html",
        {
            "batch": batch,
            "actions": batch_domain.available(batch, user),
            "first_serial": _serial(batch, batch.first_number),
            "last_serial": _serial(batch, batch.last_number),
            "active_count": active,
            "voided": voided,
            "voided_count": (batch.quantity - active) if approved else 0,
            "can_print": can_print,
            "direct": active <= labels.direct_limit(),
            "sheet": LabelSheet.objects.filter(batch=batch).first() if can_print else None,
            "void_form": (void_form or VoidForm()) if can_void and active else None,
            "history": history_for(batch)[:30],
            "making": in_progress,
            "progress": making.making_progress(batch) if in_progress else None,
            "status_url": reverse("stamps:making_status", args=[batch.pk]),
            "can_resume": in_progress and rules.can_decide(user, batch),
            "nav_active": "stamps",
        },
        status=400 if void_form is not None else 200,
    )


def _serial(batch, number):
    if number is None or not batch.series:
        return ""
    return format_serial(batch.series, number)


@require_POST
def batch_act(request, pk: int):
    batch = _batch(request, pk)
    if request.POST.get("action") == "approve" and not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Approve the stamp request?"),
            summary=[
                ngettext(
                    "%(count)s stamp for “%(product)s” is issued, each with its own serial "
                    "and QR code.",
                    "%(count)s stamps for “%(product)s” are issued, each with its own serial "
                    "and QR code.",
                    batch.quantity,
                )
                % {
                    "count": number_format(batch.quantity, force_grouping=True),
                    "product": batch.product.name,
                },
                _(
                    "The producer can then print the label sheets; a consumer who scans a "
                    "stamp sees the product as certified."
                ),
            ],
            button=_("Yes, approve and issue the stamps"),
            back=reverse("stamps:batch", args=[batch.pk]),
            warning=_("Issued serials are never reused: a stamp can later only be voided."),
            danger=False,
        )
    try:
        batch = batch_domain.set_batch_state(
            batch=batch,
            action=request.POST.get("action", ""),
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("The request is now “%(state)s”.") % {"state": RequestState(batch.state).label},
        )
    return redirect("stamps:batch", batch.pk)


def batch_labels(request, pk: int):
    """The label sheets: rendered now for a small batch, else the prepared file."""
    batch = _batch(request, pk)
    if batch.state != RequestState.APPROVED:
        raise Http404
    if not rules.can_download_labels(request.user, batch):
        raise PermissionDenied(_("You cannot print the labels of this batch."))
    if making.making(batch):
        messages.info(request, _("The stamps of this batch are still being created."))
        return redirect("stamps:batch", batch.pk)
    if queries.active_stamps(batch).count() <= labels.direct_limit():
        pdf = labels.render_labels(batch=batch)
        return bytes_response(
            pdf, filename=labels.labels_filename(batch), content_type="application/pdf"
        )
    sheet = LabelSheet.objects.filter(batch=batch, state=LabelState.READY).first()
    if sheet is None or not sheet.file:
        messages.info(request, _("The label sheets of this batch are being prepared."))
        return redirect("stamps:batch", batch.pk)
    return file_response(sheet.file, filename=labels.labels_filename(batch))


@require_POST
def batch_labels_prepare(request, pk: int):
    batch = _batch(request, pk)
    try:
        labels.request_label_sheet(batch=batch, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    return redirect("stamps:batch", batch.pk)


def batch_labels_status(request, pk: int):
    """The progress of a large batch's label sheets (polled by htmx)."""
    batch = _batch(request, pk)
    if not rules.can_download_labels(request.user, batch):
        raise PermissionDenied
    sheet = LabelSheet.objects.filter(batch=batch).first()
    return render(request, "stamps/_label_status.html", {"batch": batch, "sheet": sheet})


def batch_making_status(request, pk: int):
    """How far the creation of a large batch's stamps is, as JSON (progress.js)."""
    batch = _batch(request, pk)
    return making.making_progress(batch).response()


@require_POST
def batch_making_resume(request, pk: int):
    """Queue a stalled creation of the stamps again; it goes on where it stopped."""
    batch = _batch(request, pk)
    try:
        making.resume_making(batch=batch, by=request.user)
    except PermissionDenied as error:
        _errors(request, error)
    return redirect("stamps:batch", batch.pk)


@require_POST
def batch_void(request, pk: int):
    batch = _batch(request, pk)
    if not rules.can_void(request.user, batch):
        raise PermissionDenied
    form = VoidForm(request.POST)
    if form.is_valid() and not confirm.confirmed(request):
        data = form.cleaned_data
        whole = data["which"] == VoidForm.WHOLE
        try:
            count, serials = batch_domain.void_preview(
                batch=batch, serials=None if whole else data["serials"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return batch_detail(request, pk, void_form=form)
        return confirm.ask(
            request,
            title=_("Void these stamps?"),
            summary=[
                ngettext(
                    "%(count)s stamp of “%(product)s” is voided.",
                    "%(count)s stamps of “%(product)s” are voided.",
                    count,
                )
                % {
                    "count": number_format(count, force_grouping=True),
                    "product": batch.product.name,
                },
                _("Every active stamp of this batch.")
                if whole
                else _("Serials: %(serials)s.") % {"serials": ", ".join(serials[:50])},
                _("Reason: %(reason)s") % {"reason": data["reason"]},
                _("A consumer who scans a voided stamp is warned that it is not valid."),
            ],
            button=_("Yes, void the stamps"),
            back=reverse("stamps:batch", args=[batch.pk]),
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = batch_domain.void_stamps(
                batch=batch,
                serials=None if data["which"] == VoidForm.WHOLE else data["serials"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            _errors(request, error)
            return redirect("stamps:batch", batch.pk)
        else:
            messages.success(
                request,
                ngettext("%(count)s stamp voided.", "%(count)s stamps voided.", count)
                % {"count": number_format(count, force_grouping=True)},
            )
            return redirect("stamps:batch", batch.pk)
    return batch_detail(request, pk, void_form=form)
