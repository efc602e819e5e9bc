"""Back office of trade promotion: the unit's overview (the reports'
sentences), points of sale, a product's listings and export markets, and the
buyers' inquiries."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.accounts.rules import scope_for
from ocop.core.idempotency import once
from ocop.products.domain.queries import products_visible_to

from . import rules
from .domain import exports, inquiries, listings, points
from .domain.queries import (
    ecommerce_counts,
    export_counts,
    exports_visible_to,
    inquiries_visible_to,
    inquiry_counts,
    listings_visible_to,
    point_counts,
    points_visible_to,
)
from .enums import PointKind
from .forms import (
    ExportForm,
    InquiryActionForm,
    InquiryFilterForm,
    ListingForm,
    OverviewForm,
    PointFilterForm,
    PointForm,
)

PAGE_SIZE = 50
NAV = "trade"


def _require_reader(user) -> None:
    if not rules.is_reader(user):
        raise PermissionDenied(_("Only officers see this page."))


def _require_point_manager(user) -> None:
    if not rules.is_point_manager(user):
        raise PermissionDenied(_("Only commune, provincial and central officers record this."))


# Overview ------------------------------------------------------------------------------


def overview(request):
    user = request.user
    subject_ids = scope_for(user).subject_ids(rules.SUBJECT_SIDE)
    if not (rules.is_reader(user) or subject_ids):
        raise PermissionDenied(_("Only officers and producers see this page."))
    context = {"nav_active": NAV}
    if rules.is_reader(user):
        form = OverviewForm(request.GET or None, user=user)
        unit, year = form.values()
        context.update(
            form=form,
            unit=unit,
            year=year,
            ecommerce=ecommerce_counts(unit=unit),
            exported=export_counts(unit=unit),
            exported_year=export_counts(unit=unit, year=year),
            inquiries=inquiry_counts(unit=unit, start=date(year, 1, 1), end=date(year, 12, 31)),
            points=[(PointKind(k).label, n) for k, n in sorted(point_counts(unit=unit).items())],
        )
    if subject_ids:
        context["own_products"] = (
            products_visible_to(user)
            .filter(subject_id__in=sorted(subject_ids))
            .annotate(
                n_listings=Count("listings", distinct=True),
                n_exports=Count("export_markets", distinct=True),
            )
            .order_by("subject__name", "name", "id")
        )
    return render(request, "trade/overview.html", context)


# Points of sale ------------------------------------------------------------------------


def point_list(request):
    _require_reader(request.user)
    form = PointFilterForm(request.GET or None)
    rows = (
        form.filter(points_visible_to(request.user))
        .annotate(n_products=Count("products"))
        .order_by("province__code", "name", "id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trade/point_list.html",
        {
            "page": page,
            "form": form,
            "can_record": rules.is_point_manager(request.user),
            "nav_active": NAV,
        },
    )


@once
def point_new(request):
    _require_point_manager(request.user)
    form = PointForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                points.create_point(by=request.user, **form.domain_kwargs())
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error("commune", str(exc))
            else:
                messages.success(request, _("The point of sale was registered."))
                return redirect("trade:points")
    return render(
        request,
        "trade/point_form.html",
        {"form": form, "nav_active": NAV, "title": _("Register a point of sale")},
        status=status,
    )


def point_edit(request, pk: int):
    point = get_object_or_404(points_visible_to(request.user), pk=pk)
    if not rules.can_manage_point(request.user, point):
        raise PermissionDenied(_("You may only change points of sale of your own unit."))
    form = PointForm(request.POST or None, instance=point, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                points.update_point(point=point, by=request.user, **form.domain_kwargs())
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error("commune", str(exc))
            else:
                messages.success(request, _("The point of sale was saved."))
                return redirect("trade:points")
    return render(
        request,
        "trade/point_form.html",
        {"form": form, "point": point, "nav_active": NAV, "title": point.name},
        status=status,
    )


def point_delete(request, pk: int):
    point = get_object_or_404(points_visible_to(request.user), pk=pk)
    if not rules.can_manage_point(request.user, point):
        raise PermissionDenied(_("You may only remove points of sale of your own unit."))
    if request.method == "POST":
        points.remove_point(point=point, by=request.user)
        messages.success(request, _("The point of sale was removed."))
        return redirect("trade:points")
    return render(request, "trade/point_delete.html", {"point": point, "nav_active": NAV})


# A product's listings and export markets -----------------------------------------------


def _product_page(request, product, *, listing_form=None, export_form=None, status=200):
    can_edit = rules.can_edit_trade(request.user, product)
    return render(
        request,
        "trade/product.html",
        {
            "product": product,
            "listings": product.listings.order_by("platform", "id"),
            "markets": product.export_markets.order_by("-year", "country"),
            "can_edit": can_edit,
            "listing_form": listing_form or ListingForm(),
            "export_form": export_form or ExportForm(),
            "nav_active": NAV,
        },
        status=status,
    )


def product_trade(request, pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    return _product_page(request, product)


@require_POST
@once
def listing_add(request, pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    form = ListingForm(request.POST)
    if form.is_valid():
        try:
            listings.add_listing(by=request.user, product=product, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The listing was added."))
            return redirect("trade:product", pk=product.pk)
    return _product_page(request, product, listing_form=form, status=400)


@require_POST
def listing_delete(request, pk: int):
    listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
    listings.remove_listing(listing=listing, by=request.user)
    messages.success(request, _("The listing was removed."))
    return redirect("trade:product", pk=listing.product_id)


@require_POST
@once
def export_add(request, pk: int):
    product = get_object_or_404(products_visible_to(request.user), pk=pk)
    form = ExportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            exports.add_export_market(
                by=request.user,
                product=product,
                country_code=data["country"],
                year=data["year"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The export market was recorded."))
            return redirect("trade:product", pk=product.pk)
    return _product_page(request, product, export_form=form, status=400)


@require_POST
def export_delete(request, pk: int):
    market = get_object_or_404(exports_visible_to(request.user), pk=pk)
    exports.remove_export_market(market=market, by=request.user)
    messages.success(request, _("The export market was removed."))
    return redirect("trade:product", pk=market.product_id)


# Buyers' inquiries ---------------------------------------------------------------------


def inquiry_list(request):
    if not rules.handles_inquiries(request.user):
        raise PermissionDenied(_("Only producers and provincial officers see inquiries."))
    form = InquiryFilterForm(request.GET or None)
    rows = inquiries_visible_to(request.user)
    if form.is_valid() and form.cleaned_data.get("state"):
        rows = rows.filter(state=form.cleaned_data["state"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "trade/inquiry_list.html", {"page": page, "form": form, "nav_active": NAV}
    )


def _inquiry_page(request, inquiry, *, form=None, status=200):
    return render(
        request,
        "trade/inquiry_detail.html",
        {
            "inquiry": inquiry,
            "actions": inquiries.available(inquiry, request.user),
            "form": form or InquiryActionForm(),
            "nav_active": NAV,
        },
        status=status,
    )


def inquiry_detail(request, pk: int):
    inquiry = get_object_or_404(inquiries_visible_to(request.user), pk=pk)
    return _inquiry_page(request, inquiry)


@require_POST
def inquiry_state(request, pk: int):
    inquiry = get_object_or_404(inquiries_visible_to(request.user), pk=pk)
    form = InquiryActionForm(request.POST)
    if form.is_valid():
        try:
            inquiries.set_inquiry_state(
                inquiry=inquiry,
                action=form.cleaned_data["action"],
                by=request.user,
                reason=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The inquiry was updated."))
    return redirect("trade:inquiry", pk=inquiry.pk)
