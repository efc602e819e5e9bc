import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ocop.core.domain.activity import history_for
from ocop.core.idempotency import once
from ocop.products.domain.queries import products_visible_to

from .domain import batches as domain
from .domain.epcis import epcis_document
from .domain.queries import batches_visible_to, events_of, with_event_summary
from .forms import BatchForm, CorrectionForm, EventForm, WithdrawForm
from .rules import can_record


def _refuse_unless_recorder(user, product):
    if not can_record(user, product):
        raise PermissionDenied(_("Only the producer of this product can record its batches."))


def batch_list(request, product_pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=product_pk)
    batches = with_event_summary(batches_visible_to(request.user).filter(product=product))
    page = Paginator(batches.order_by("-production_date", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "traceability/batch_list.html",
        {
            "product": product,
            "page": page,
            "can_record": can_record(request.user, product),
            "nav_active": "products",
        },
    )


@once
def batch_create(request, product_pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=product_pk)
    _refuse_unless_recorder(request.user, product)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = domain.record_batch(product=product, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Production batch recorded."))
            return redirect("traceability:batch_detail", pk=batch.pk)
    return render(
        request,
        "traceability/batch_form.html",
        {"form": form, "product": product, "batch": None, "nav_active": "products"},
    )


def batch_detail(request, pk: int):
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    return render(
        request,
        "traceability/batch_detail.html",
        {
            "batch": batch,
            "product": batch.product,
            "events": events_of(batch),
            "can_record": can_record(request.user, batch.product),
            "history": history_for(batch)[:30],
            "nav_active": "products",
        },
    )


def batch_edit(request, pk: int):
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    _refuse_unless_recorder(request.user, batch.product)
    form = BatchForm(request.POST or None, instance=batch)
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_batch(batch=batch, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("traceability:batch_detail", pk=batch.pk)
    return render(
        request,
        "traceability/batch_form.html",
        {"form": form, "product": batch.product, "batch": batch, "nav_active": "products"},
    )


@once
def event_add(request, pk: int):
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    _refuse_unless_recorder(request.user, batch.product)
    form = EventForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            domain.record_event(batch=batch, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("traceability:batch_detail", pk=batch.pk)
    return render(
        request,
        "traceability/event_form.html",
        {"form": form, "batch": batch, "event": None, "nav_active": "products"},
    )


def event_correct(request, pk: int, event_pk: int):
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    event = get_object_or_404(batch.events, pk=event_pk)
    _refuse_unless_recorder(request.user, batch.product)
    form = CorrectionForm(
        request.POST or None, batch=batch, initial=CorrectionForm.initial_from(event)
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain.correct_event(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Correction recorded."))
            return redirect("traceability:batch_detail", pk=batch.pk)
    return render(
        request,
        "traceability/event_form.html",
        {"form": form, "batch": batch, "event": event, "nav_active": "products"},
    )


def event_withdraw(request, pk: int, event_pk: int):
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    event = get_object_or_404(batch.events, pk=event_pk)
    _refuse_unless_recorder(request.user, batch.product)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.withdraw_event(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Step withdrawn."))
            return redirect("traceability:batch_detail", pk=batch.pk)
    return render(
        request,
        "traceability/event_withdraw.html",
        {"form": form, "batch": batch, "event": event, "nav_active": "products"},
    )


def batch_epcis(request, pk: int):
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    document = epcis_document(batch=batch)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="epcis-{batch.public_id}.jsonld"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
