"""Public pages of trade promotion (no login): points of sale by province,
as a list and a map, and the buyers' inquiry form of a product or producer."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ocop.core.clients import client_key
from ocop.core.idempotency import once
from ocop.core.language import render_in_chosen_language
from ocop.geo.domain.queries import current_units
from ocop.geo.enums import Level
from ocop.producers.models import Subject

from .domain.inquiries import TooManyInquiries, file_inquiry
from .domain.queries import provinces_with_points, public_points_of, public_products
from .enums import PointKind
from .forms import InquiryForm
from .models import PointOfSale

PAGE_SIZE = 20
PRODUCTS_SHOWN = 12
MAP_POINTS_MAX = 2000


def _render(request, template: str, context: dict, *, status: int = 200):
    """A page on the portal's shell (``portal/page.html``), whose language
    links keep the current query (``lang_query``)."""
    query = request.GET.copy()
    query.pop("lang", None)
    context = {**context, "lang_query": query.urlencode()}
    return render_in_chosen_language(request, template, context, status=status)


def _province(code: str):
    province = current_units().filter(level=Level.PROVINCE, code=code).first()
    if province is None:
        raise Http404
    return province


@login_not_required
@require_safe
def provinces(request):
    """The 34 provinces with the number of points of sale open in each."""
    counts = provinces_with_points()
    rows = [
        (province, counts.get(province.pk, 0))
        for province in current_units().filter(level=Level.PROVINCE).order_by("name")
    ]
    return _render(request, "trade/public/provinces.html", {"rows": rows})


@login_not_required
@require_safe
def province_points(request, code: str):
    province = _province(code)
    kind = request.GET.get("kind", "")
    if kind not in PointKind.values:
        kind = ""
    # Each point lists its first products in force and counts them all: a
    # page costs the same however many products a point carries.
    carried = Prefetch(
        "products",
        queryset=public_products().order_by("name", "id")[:PRODUCTS_SHOWN],
        to_attr="public_products",
    )
    counted = (
        PointOfSale.products.through.objects.filter(
            pointofsale=OuterRef("pk"), product__in=public_products()
        )
        .order_by()
        .values("pointofsale")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = (
        public_points_of(province, kind=kind)
        .annotate(carried=Coalesce(Subquery(counted), 0))
        .prefetch_related(carried)
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for point in page:
        point.more = point.carried - len(point.public_products)
    return _render(
        request,
        "trade/public/points.html",
        {
            "province": province,
            "page": page,
            "kind": kind,
            "kinds": PointKind.choices,
            "markers_url": reverse("points:markers", args=[province.code]),
            "tile_url": settings.OCOP_MAP_TILE_URL,
            "tile_attribution": settings.OCOP_MAP_TILE_ATTRIBUTION,
        },
    )


@login_not_required
@require_safe
def province_markers(request, code: str):
    """The map's markers: open points of the province that have coordinates."""
    province = _province(code)
    kind = request.GET.get("kind", "")
    rows = (
        public_points_of(province, kind=kind if kind in PointKind.values else "")
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values("pk", "name", "kind", "address", "commune__full_name", "latitude", "longitude")
    )[:MAP_POINTS_MAX]
    kinds = dict(PointKind.choices)
    points = [
        {
            "id": row["pk"],
            "name": row["name"],
            "kind": str(kinds.get(row["kind"], row["kind"])),
            "address": ", ".join(filter(None, [row["address"], row["commune__full_name"]])),
            "lat": float(row["latitude"]),
            "lng": float(row["longitude"]),
        }
        for row in rows
    ]
    return JsonResponse({"province": province.full_name, "points": points})


# Buyers' inquiries ---------------------------------------------------------------------


def _inquiry(request, *, subject, product=None):
    status = 200
    if request.method == "POST":
        form = InquiryForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                file_inquiry(
                    subject=subject,
                    product=product,
                    fingerprint=client_key(request),
                    **form.cleaned_data,
                )
            except TooManyInquiries as error:
                form.add_error(None, str(error))
                status = 429
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("inquiry:sent")
    else:
        form = InquiryForm()
    return _render(
        request,
        "trade/public/inquiry.html",
        {"form": form, "subject": subject, "product": product},
        status=status,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@once
def inquiry_product(request, product_id: int):
    """The inquiry form of an OCOP product whose certificate is in force."""
    product = get_object_or_404(
        public_products().select_related("subject__commune", "subject__province"), pk=product_id
    )
    return _inquiry(request, subject=product.subject, product=product)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@once
def inquiry_subject(request, subject_id: int):
    """The inquiry form of a producer with at least one product in force."""
    subject = get_object_or_404(
        Subject.objects.select_related("commune", "province").filter(
            pk__in=public_products().values("subject")
        ),
        pk=subject_id,
    )
    return _inquiry(request, subject=subject)


@login_not_required
@require_safe
def inquiry_sent(request):
    return _render(request, "trade/public/inquiry_sent.html", {})
