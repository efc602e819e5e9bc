"""The public verification page (no login): what a consumer's phone opens
when scanning an OCOP stamp or a certificate's QR code.

Kept lean for a cheap phone and a busy server: one statement per scan (the
stamp's row with the read model's version, see ``domain/hotpath.py``), the
rest from the per-process read model (``domain/readmodel.py``), the scan log
queued for a batched write (``domain/scanbuffer.py``), no session, and
``Cache-Control: no-store`` because the status is live. Rendering the
template costs more than all of that, so identical pages are rendered once
(``PageMemo``): the stamp's own values are filled in on every request.
"""

import html
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import astuple
from functools import cache, lru_cache
from urllib.parse import quote_plus

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ocop.core import clock
from ocop.core.downloads import file_response
from ocop.core.language import chosen_language, remember_language, render_in_chosen_language
from ocop.core.lean import lean_public
from ocop.core.ratelimit import allow

from .domain import verify as verifying
from .domain.scans import fingerprint, parse_location, record_location
from .enums import VerifyOutcome


class PageMemo:
    """Rendered verification pages, least recently used first out.

    The data is read live on every request; only the rendering of a page
    identical to one already rendered is saved. A page is keyed by everything
    it shows (the language, the outcome and every field of the product and
    certificate it was rendered from) except the values that change with each
    request, which are rendered as placeholders and replaced on the way out:
    the stamp's serial and scans, the scanned code (in the report link) and
    the timestamp. The page makes no CSP nonce: its one script is the site's
    own file, which ``script-src 'self'`` allows; so its policy header lists
    no nonce, and no request pays for a random one."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> tuple[str, ...] | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: tuple[str, ...]) -> None:
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
    for name in ("serial", "first_scan", "scans", "report", "where")
}
_SLOT = re.compile(f"\ue000{_MARK}:(\\w+)\ue000")


def _parts(page: str) -> tuple[str, ...]:
    """A page rendered with placeholders as its text between them and their
    names: ``(text, name, text, name, …, text)``."""
    return tuple(_SLOT.split(page))


def _fill(parts: tuple[str, ...], values: dict[str, str]) -> str:
    # ``django.utils.html.escape`` without its lazy-string wrapper.
    return "".join(
        part if index % 2 == 0 else html.escape(values[part]) for index, part in enumerate(parts)
    )


def _page_key(language: str, result, *, where: bool, batch, today) -> tuple | None:
    if result.version is not None and result.batch_id is not None:
        # A stamp: its batch's read model under this version says it all.
        return (
            language,
            result.outcome,
            today,
            result.batch_id,
            result.version,
            result.stamp is not None,
            where,
        )
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


# Never stored (the status is live): what ``never_cache`` writes, as constants
# (its per-request date formatting cost more than the page's read).
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"
HTML = f"text/html; charset={settings.DEFAULT_CHARSET}"
EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT"


# The language: the cookie, as LocaleMiddleware says.
VARY = "Cookie, Accept-Language"


def no_store(response):
    response["Cache-Control"] = NO_STORE
    response["Expires"] = EXPIRED
    return response


@cache
def _url(name: str) -> str:
    """A URL of ours with ``{}`` for the token (reversed once per process)."""
    marker = "T" * 20
    if name == "complaints:report":
        return reverse(name)
    return reverse(name, args=[marker]).replace(marker, "{}")


@lru_cache(maxsize=8192)
def _first_scan(at, language: str) -> str:
    return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


@lru_cache(maxsize=4096)
def _scans_text(count: int, language: str) -> str:
    return ngettext("%(n)s scan, including this one", "%(n)s scans, including this one", count) % {
        "n": number_format(count, force_grouping=True)
    }


# What quote_plus leaves as it is, and "/" (which it quotes as %2F): a
# printed code is made of these alone.
_PLAIN_CODE = re.compile(r"[A-Za-z0-9_.~/-]*")


def _quoted(code: str) -> str:
    """``quote_plus(code)``, the printed codes' common case without its
    per-character loop."""
    if _PLAIN_CODE.fullmatch(code):
        return code.replace("/", "%2F")
    return quote_plus(code)


def _request_values(result, where: str) -> dict[str, str]:
    stamp = result.stamp
    values = {
        # What ``urlencode({"code": ...})`` gives, without its per-call checks.
        "report": f"{_url('complaints:report')}?code={_quoted(result.code)}",
        "where": where,
        "serial": "",
        "first_scan": "—",
        "scans": "",
    }
    if stamp is not None:
        language = translation.get_language()
        values["serial"] = stamp.serial
        if stamp.first_scan_at is not None:
            values["first_scan"] = _first_scan(stamp.first_scan_at, language)
        values["scans"] = _scans_text(stamp.scan_count, language)
    return values


def _verification_page(request, result, batch, *, today, locate: bool = True) -> str:
    certificate = result.certificate
    stamp = result.stamp
    where = (
        _url("verify:where").format(stamp.token)
        if locate and stamp is not None and result.outcome != VerifyOutcome.VOIDED
        else ""
    )
    values = _request_values(result, where)
    key = _page_key(translation.get_language(), result, where=bool(where), batch=batch, today=today)
    parts = PAGES.get(key) if key is not None else None
    if parts is None:
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
            "report_url": SLOTS["report"],
        }
        parts = _parts(render_to_string("stamps/public/verify.html", context, request=request))
        if key is not None:
            PAGES.put(key, parts)
    return _fill(parts, values)


@lean_public
@login_not_required
@require_safe
def verify_page(request, **_ignored):
    """``/s/{token}`` and ``/c/{token}`` (``/01/…`` comes through the resolver,
    ``views_resolver``).

    A scan is logged for a stamp's page opened with GET (not when the person
    only switched the page's language). A client that opens more than
    ``OCOP_VERIFY_RATE_LIMIT`` pages a minute gets HTTP 429 (nothing logged)."""
    return verification_response(request)[0]


def verification_response(request, *, code=None, vary: str = VARY):
    """The verification page for ``request.path_info`` and the verdict shown
    (None when the client is over its rate limit), never stored. ``code``:
    the path's code when the caller has parsed it already (the resolver);
    ``vary``: its ``Vary`` header (the resolver's answer varies with
    ``Accept`` too)."""
    client = fingerprint(request)
    if not allow(f"verify:{client}", limit=settings.OCOP_VERIFY_RATE_LIMIT, window=60):
        response = _too_many(request)
        response["Vary"] = vary
        return response, None
    lang = chosen_language(request)
    today = clock.localdate()
    result = verifying.verify(
        request.path_info,
        today=today,
        consumer_scan=request.method == "GET" and lang is None,
        fingerprint=client,
        code=code,
    )
    batch = result.production_batch
    if lang is None:
        page = _verification_page(request, result, batch, today=today)
    else:
        with translation.override(lang):
            page = _verification_page(request, result, batch, today=today)
    response = HttpResponse(
        page, status=result.http_status, content_type=HTML, charset=settings.DEFAULT_CHARSET
    )
    response["Vary"] = vary
    return no_store(remember_language(response, lang)), result


def _too_many(request):
    response = render_in_chosen_language(request, "stamps/public/too_many.html", {}, status=429)
    response["Retry-After"] = "60"
    return no_store(response)


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
                today = clock.localdate()
                result = verifying.verify_serial(text, today=today)
            except ValidationError as exc:
                error = exc.messages[0]
            else:
                page = _verification_page(
                    request, result, result.production_batch, today=today, locate=False
                )
                return remember_language(HttpResponse(page, status=result.http_status), lang)
        response = render(request, "stamps/public/serial.html", {"serial": text, "error": error})
    return remember_language(response, lang)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def where(request, token: str):
    """A consented, approximate location for this client's latest scan of the
    stamp (sent by static/ocop/verify.js). GET gives the script the CSRF
    token for its POST: the verification page itself carries none, so that
    a scan never pays for making one (only a person who agrees to share
    their location does)."""
    stamp = verifying.stamp_by_token(token)
    if stamp is None:
        return JsonResponse({"ok": False}, status=404)
    if request.method in ("GET", "HEAD"):
        return JsonResponse({"csrf": get_token(request)})
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
