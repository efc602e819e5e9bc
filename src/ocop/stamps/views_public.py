"""The public verification page (no login): what a consumer's phone opens
when scanning an OCOP stamp or a certificate's QR code.

Kept lean for a cheap phone and a busy server: two reads compiled once per
process (the stamp with its product, subject and units; the certificate),
the scan log (one statement on PostgreSQL), no session, and
``Cache-Control: no-store`` because the status is live. A stamp of a
recorded production batch costs two more reads (the batch and its events).
Rendering the template costs more than all of that, so identical pages are
rendered once (``PageMemo``): the data is still read on every request.
"""

import secrets
import threading
from collections import OrderedDict
from dataclasses import astuple

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST, require_safe

from ocop.core.downloads import file_response
from ocop.core.forms import form_token
from ocop.core.language import chosen_language, remember_language, render_in_chosen_language
from ocop.core.ratelimit import allow
from ocop.traceability.domain.queries import public_batch

from .domain import verify as verifying
from .domain.scans import fingerprint, parse_location, record_location, record_scan
from .enums import VerifyOutcome


class PageMemo:
    """Rendered verification pages, least recently used first out.

    The data is read live on every request; only the rendering of a page
    identical to one already rendered is saved. A page is keyed by everything
    it shows (the language, the outcome and every field of the product and
    certificate it was rendered from) except the values that change with each
    request, which are rendered as placeholders and replaced on the way out:
    the stamp's serial and scans, the scanned code, the CSRF token, the form
    timestamp and the CSP nonce."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: str) -> None:
        with self.lock:
            self.pages[key] = page
            if len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()


PAGES = PageMemo(size=512)
# Placeholders nobody can type: private-use characters around a per-process secret.
_MARK = secrets.token_hex(8)
SLOTS = {
    name: f"\ue000{_MARK}:{name}\ue000"
    for name in ("serial", "first_scan", "scans", "code", "where", "csrf", "started", "nonce")
}


def _page_key(language: str, result, *, where: bool, batch) -> tuple | None:
    if batch is not None:  # its events are not in the key: rendered every time
        return None
    return (
        language,
        result.outcome,
        astuple(result.product) if result.product else None,
        astuple(result.certificate) if result.certificate else None,
        result.revoked_on,
        result.newer_token,
        result.thumbnail,
        result.stamp is not None,
        where,
    )


def _request_values(request, result, where: str) -> dict[str, str]:
    stamp = result.stamp
    values = {
        "code": result.code,
        "where": where,
        "csrf": get_token(request),
        "started": form_token(),
        "serial": "",
        "first_scan": "—",
        "scans": "",
    }
    if stamp is not None:
        values["serial"] = stamp.serial
        if stamp.first_scan_at is not None:
            values["first_scan"] = date_format(
                timezone.localtime(stamp.first_scan_at), "SHORT_DATETIME_FORMAT"
            )
        values["scans"] = ngettext(
            "%(n)s scan, including this one", "%(n)s scans, including this one", stamp.scan_count
        ) % {"n": number_format(stamp.scan_count, force_grouping=True)}
    return values


def _verification_page(request, result, batch, *, locate: bool = True) -> str:
    certificate = result.certificate
    stamp = result.stamp
    where = (
        reverse("verify:where", args=[stamp.token])
        if locate and stamp is not None and result.outcome != VerifyOutcome.VOIDED
        else ""
    )
    values = _request_values(request, result, where)
    key = _page_key(translation.get_language(), result, where=bool(where), batch=batch)
    page = PAGES.get(key) if key is not None else None
    if page is None:
        context = {
            "result": result,
            "product": result.product,
            "certificate": certificate,
            "stamp": stamp is not None,  # its values are placeholders (below)
            "batch": batch,
            "stars": "★" * certificate.star if certificate else "",
            "image_url": (
                reverse("verify:certificate_image", args=[certificate.token])
                if certificate and result.thumbnail
                else ""
            ),
            "newer_url": (
                reverse("verify:certificate", args=[result.newer_token])
                if result.newer_token
                else ""
            ),
            "where_url": SLOTS["where"] if where else "",
            "serial": SLOTS["serial"],
            "first_scan": SLOTS["first_scan"],
            "scans_text": SLOTS["scans"],
            "code": SLOTS["code"],
            "started": SLOTS["started"],
            "csrf_token": SLOTS["csrf"],
            "csp_nonce": SLOTS["nonce"],
        }
        page = render_to_string("stamps/public/verify.html", context, request=request)
        if key is not None:
            PAGES.put(key, page)
    if SLOTS["nonce"] in page:
        values["nonce"] = str(get_nonce(request))
    for name, value in values.items():
        page = page.replace(SLOTS[name], escape(value))
    return page


@login_not_required
@never_cache
@require_safe
def verify_page(request, **_ignored):
    """``/s/{token}``, ``/01/{GTIN}[/10/{lot}]/21/{token}`` and ``/c/{token}``.

    A scan is logged for a stamp's page opened with GET (not when the person
    only switched the page's language). A client that opens more than
    ``OCOP_VERIFY_RATE_LIMIT`` pages a minute gets HTTP 429 (nothing logged)."""
    client = fingerprint(request)
    if not allow(f"verify:{client}", limit=settings.OCOP_VERIFY_RATE_LIMIT, window=60):
        return _too_many(request)
    result = verifying.verify(request.path_info, today=timezone.localdate())
    stamp = result.stamp
    lang = chosen_language(request)
    if stamp is not None and request.method == "GET" and lang is None:
        record_scan(stamp=stamp, fingerprint=client)
    batch = public_batch(stamp.production_batch_id) if stamp is not None else None
    with translation.override(lang or translation.get_language()):
        page = _verification_page(request, result, batch)
    return remember_language(HttpResponse(page, status=result.http_status), lang)


def _too_many(request):
    response = render_in_chosen_language(request, "stamps/public/too_many.html", {}, status=429)
    response["Retry-After"] = "60"
    return response


@login_not_required
@never_cache
@require_safe
def serial_page(request):
    """``/kiem-tra-tem/?serial=38-00001234-K``: the verdict for a serial typed
    by hand when the QR code is damaged — the same verdicts as scanning, under
    the same per-client limit (``OCOP_VERIFY_RATE_LIMIT``, the same counter).
    No scan is logged (the clone check counts scans of the code), and the
    page carries neither the stamp's token nor the location request."""
    client = fingerprint(request)
    if not allow(f"verify:{client}", limit=settings.OCOP_VERIFY_RATE_LIMIT, window=60):
        return _too_many(request)
    text = request.GET.get("serial", "").strip()[:40]
    lang = chosen_language(request)
    with translation.override(lang or translation.get_language()):
        error = ""
        if text:
            try:
                result = verifying.verify_serial(text, today=timezone.localdate())
            except ValidationError as exc:
                error = exc.messages[0]
            else:
                stamp = result.stamp
                batch = public_batch(stamp.production_batch_id) if stamp is not None else None
                page = _verification_page(request, result, batch, locate=False)
                return remember_language(HttpResponse(page, status=result.http_status), lang)
        response = render(request, "stamps/public/serial.html", {"serial": text, "error": error})
    return remember_language(response, lang)


@login_not_required
@never_cache
@require_POST
def where(request, token: str):
    """A consented, approximate location for this client's latest scan of the
    stamp (sent by static/ocop/verify.js)."""
    stamp = verifying.stamp_by_token(token)
    if stamp is None:
        return JsonResponse({"ok": False}, status=404)
    location = parse_location(request.POST.get("latitude"), request.POST.get("longitude"))
    if location is None:
        return JsonResponse({"ok": False}, status=400)
    scan = record_location(stamp=stamp, fingerprint=fingerprint(request), location=location)
    if scan is None:
        return JsonResponse({"ok": False}, status=409)
    return JsonResponse({"ok": True})


@login_not_required
@cache_control(public=True, max_age=24 * 3600)
@require_safe
def certificate_image(request, token: str):
    """The product's first image (thumbnail) for the verification page."""
    image = verifying.certificate_image(token)
    if image is None:
        raise Http404
    field = image.thumbnail or image.image
    return file_response(field, filename="ocop.jpg", content_type="image/jpeg", inline=True)
