"""Public open data pages (``/du-lieu-mo/``): the list of data sets, each
data set's dictionary page, the daily files (CSV, JSON) and the DCAT-style
catalogue. Files are served with ``ETag`` (their SHA-256), ``Last-Modified``
and ``Cache-Control: public`` (private for a signed-in person), and answer
304 to a conditional request; ``Access-Control-Allow-Origin: *`` lets a page
elsewhere read them."""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from ocop.core.language import chosen_language, remember_language
from ocop.portal.cache import shared_cache

from .domain.catalogue import catalogue as build_catalogue
from .domain.datasets import DATASETS, TYPE_NOTES
from .domain.snapshots import FORMATS, latest, licence

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _page(request, *, template: str, title: str, context: dict):
    lang = chosen_language(request)
    with translation.override(lang or translation.get_language()):
        body = render_to_string(template, context, request=request)
        response = render(
            request,
            "portal/page.html",
            {"title": title, "description": title, "body": body},
        )
    return remember_language(response, lang)


@login_not_required
@require_safe
def index(request):
    return _page(
        request,
        template="opendata/index.html",
        title=str(translation.gettext("Open data")),
        context={"datasets": DATASETS.values(), "licence": licence(), "formats": FORMATS},
    )


@login_not_required
@require_safe
def dictionary(request, slug: str):
    dataset = DATASETS.get(slug)
    if dataset is None:
        raise Http404
    fields = [(f, TYPE_NOTES[f.type]) for f in dataset.fields]
    return _page(
        request,
        template="opendata/dictionary.html",
        title=str(dataset.title),
        context={"dataset": dataset, "fields": fields, "licence": licence(), "formats": FORMATS},
    )


@login_not_required
@shared_cache(max_age=3600)
@require_safe
def download(request, slug: str, fmt: str):
    if slug not in DATASETS or fmt not in FORMATS:
        raise Http404
    snapshot = latest(slug=slug, fmt=fmt, today=timezone.localdate())
    etag = quote_etag(snapshot.sha256)
    if request.headers.get("If-None-Match") in (etag, f"W/{etag}"):
        response = HttpResponseNotModified()
    else:
        with snapshot.file.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type=CONTENT_TYPES[fmt])
        name = f"ocop-{slug}-{snapshot.day.isoformat()}.{fmt}"
        response["Content-Disposition"] = f'inline; filename="{name}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(snapshot.created_at.timestamp())
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@shared_cache(max_age=3600)
@require_safe
def catalogue(request):
    document = build_catalogue(today=timezone.localdate())
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
