"""The public portal: home, catalogue search, product and producer pages.

Each page's body is built once per version, language and day (``cache.py``)
and put into the shell (``portal/page.html``) on every request, because the
shell carries the request's CSP nonce and CSRF token. A page in another
language is asked for with ``?lang=en`` (and the choice remembered), like the
verification pages, so every page is a plain cacheable GET."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ocop.certification.enums import LiveStatus
from ocop.core.downloads import file_response
from ocop.core.language import chosen_language, remember_language
from ocop.core.pagination import CappedPaginator
from ocop.core.qr import qr_svg_data_uri
from ocop.core.search import is_ranked
from ocop.producers.domain.queries import subjects_visible_to
from ocop.trade.selectors import inquiry_url_for_subject, public_trade_for_product

from . import seo
from .cache import cached, shared_cache
from .domain import queries
from .domain.profiles import can_edit_profile, save_public_profile
from .forms import CatalogueFilter, PublicProfileForm

STATUS_TEXT = {
    LiveStatus.VALID: "valid",
    LiveStatus.EXPIRING: "expiring",
    LiveStatus.EXPIRED: "expired",
    LiveStatus.REVOKED: "revoked",
    LiveStatus.SUPERSEDED: "expired",
    LiveStatus.UNDETERMINED: "undetermined",
}


def _serve(request, name: str, params: tuple, build, *, extra: dict | None = None):
    """Render the cached page ``name`` in the chosen language."""
    lang = chosen_language(request)
    with translation.override(lang or translation.get_language()):
        page = cached(name, params, build)
        if page.get("path") and page["path"] != request.path:
            return redirect(page["path"], permanent=True)
        context = {**page, **(extra or {}), "lang_query": _lang_query(request)}
        response = render(request, "portal/page.html", context)
    return remember_language(response, lang)


def _lang_query(request) -> str:
    """The current query without ``lang`` (for the language links)."""
    query = request.GET.copy()
    query.pop("lang", None)
    return query.urlencode()


# Home -------------------------------------------------------------------------------


@login_not_required
@require_safe
def home(request):
    """The public home page (anonymous visitors at ``/``: see ``site.views.home``)."""

    def build():
        today = timezone.localdate()
        counts = queries.counts(today=today)
        context = {
            "counts": counts,
            "provinces": [
                p for p in queries.provinces_with_counts(counts.by_province) if p.product_count
            ],
            "groups": [
                (group, counts.by_group[group.code])
                for group in queries.groups()
                if counts.by_group.get(group.code)
            ],
            "stars": [(s, counts.by_star.get(s, 0)) for s in (5, 4, 3)],
            "newest": queries.newest(today=today),
            "form": CatalogueFilter(),
        }
        return {
            "title": _("OCOP products of Vietnam"),
            "description": _(
                "Look up certified OCOP products: stars, certificate status, producer, "
                "where they are made."
            ),
            "body": render_to_string("portal/_home.html", context),
        }

    return _serve(request, "home", (), build)


# Catalogue --------------------------------------------------------------------------


@login_not_required
@require_safe
def catalogue(request):
    params = tuple(
        sorted(
            (key, request.GET.get(key, "")[:100])
            for key in ("q", "province", "star", "group", "category", "exported", "sort", "page")
        )
    )

    def build():
        today = timezone.localdate()
        form = CatalogueFilter(request.GET or None)
        products = queries.catalogue(today=today).none()
        if form.is_valid() or not form.is_bound:
            filters = form.cleaned_data if form.is_bound else {}
            products = queries.filter_catalogue(
                queries.catalogue(today=today),
                filters=filters,
                candidates=queries.search_candidates(),
            )
        cap = queries.search_candidates() if is_ranked(products) else None
        paginator = CappedPaginator(products, queries.PAGE_SIZE, cap=cap)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger):
            page = paginator.page(1)
        query = request.GET.copy()
        for key in ("page", "lang"):
            query.pop(key, None)
        context = {"form": form, "page": page, "query": query.urlencode()}
        return {
            "title": _("Search OCOP products"),
            "description": _("Certified OCOP products by province, stars and product group."),
            "body": render_to_string("portal/_catalogue.html", context),
        }

    return _serve(request, "catalogue", params, build)


# Product ----------------------------------------------------------------------------


def _status_label(live) -> str:
    if live is None:
        return _("no certificate on record")
    return str(LiveStatus(live).label)


@login_not_required
@require_safe
def product(request, pk: int, slug: str = ""):
    def build():
        page = queries.product_page(pk, today=timezone.localdate())
        path = seo.product_path(page.product)
        url = seo.absolute(path)
        image_urls = [seo.absolute(reverse_image(image.pk, thumb=False)) for image in page.images]
        status_label = _status_label(page.live)
        context = {
            "p": page,
            "product": page.product,
            "url": url,
            "status_key": STATUS_TEXT.get(page.live, "none"),
            "status_label": status_label,
            "qr": qr_svg_data_uri(url),
            "producer_path": seo.producer_path(page.product.subject),
            "stars": "★" * (page.certificate.star if page.certificate else 0),
            "trade": public_trade_for_product(page.product),
            "inquiry_url": reverse("inquiry:product", args=[page.product.pk]),
        }
        head = {
            "canonical": url,
            "og_type": "product",
            "og_image": image_urls[0] if image_urls else "",
            "json_ld": seo.json_ld(
                seo.product_json_ld(page, url=url, image_urls=image_urls, status_label=status_label)
            ),
        }
        return {
            "path": path,
            "title": page.product.name,
            "description": (page.product.description or page.product.story or "")[:200],
            "subject_id": page.product.subject_id,
            "body": render_to_string("portal/_product.html", context),
            **head,
        }

    return _serve(request, "product", (pk,), build, extra=_editor_links(request, pk))


def _editor_links(request, product_pk: int) -> dict:
    """A signed-in officer or producer sees a link to the back office."""
    if not request.user.is_authenticated:
        return {}
    return {"back_office_url": reverse("products:detail", args=[product_pk])}


def reverse_image(image_pk: int, *, thumb: bool) -> str:
    return reverse("portal:image_thumb" if thumb else "portal:image", args=[image_pk])


@login_not_required
@require_safe
def product_by_id(request, pk: int):
    """``/san-pham/<id>/``: to the canonical URL."""
    product = get_object_or_404(queries.public_products().only("pk", "name"), pk=pk)
    return redirect(seo.product_path(product), permanent=True)


@login_not_required
@shared_cache(max_age=24 * 3600)
@require_safe
def image(request, image_pk: int, size: str = "full"):
    image = queries.public_image(image_pk)
    field = image.thumbnail if size == "thumb" and image.thumbnail else image.image
    return file_response(
        field, filename=f"ocop-{image.pk}.jpg", content_type="image/jpeg", inline=True
    )


# Producer ---------------------------------------------------------------------------


@login_not_required
@require_safe
def producer(request, pk: int, slug: str = ""):
    def build():
        page = queries.producer_page(pk, today=timezone.localdate())
        path = seo.producer_path(page.subject)
        url = seo.absolute(path)
        context = {
            "p": page,
            "subject": page.subject,
            "profile": page.profile,
            "url": url,
            "inquiry_url": inquiry_url_for_subject(page.subject),  # "" with none in force
        }
        return {
            "path": path,
            "title": page.subject.name,
            "description": (page.profile.story if page.profile else "")[:200],
            "canonical": url,
            "og_type": "profile",
            "body": render_to_string("portal/_producer.html", context),
        }

    extra = {}
    if request.user.is_authenticated:
        subject = subjects_visible_to(request.user).filter(pk=pk).first()
        if subject is not None and can_edit_profile(request.user, subject):
            extra["edit_url"] = reverse("portal:profile_edit", args=[pk])
    return _serve(request, "producer", (pk,), build, extra=extra)


def profile_edit(request, pk: int):
    """The subject's producer (or an officer of its unit) sets what is published."""
    subject = get_object_or_404(subjects_visible_to(request.user), pk=pk)
    if not can_edit_profile(request.user, subject):
        raise PermissionDenied
    profile = queries.PublicProfile.objects.filter(subject=subject).first()
    form = PublicProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            save_public_profile(subject=subject, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The public page is saved."))
            if queries.public_subjects().filter(pk=subject.pk).exists():
                return redirect(seo.producer_path(subject))
            return redirect("portal:profile_edit", pk=subject.pk)
    public = queries.public_subjects().filter(pk=subject.pk).exists()
    context = {
        "form": form,
        "subject": subject,
        "profile": profile,
        "public_path": seo.producer_path(subject) if public else "",
    }
    return render(request, "portal/profile_form.html", context)
