"""The public verification page (no login): what a consumer's phone opens
when scanning an OCOP stamp or a certificate's QR code.

Kept lean for a cheap phone and a busy server: two reads (the stamp with its
product, subject, units and production batch; the certificate), the scan
log (one UPDATE and one INSERT), no session, and ``Cache-Control: no-store``
because the status is live.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ocop.core.downloads import file_response
from ocop.inspections.domain.complaints import TooManyComplaints, file_complaint
from ocop.inspections.forms import ComplaintForm
from ocop.traceability.models import TraceEvent

from .domain import verify as verifying
from .domain.scans import fingerprint, parse_location, record_location, record_scan
from .enums import VerifyOutcome

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _chosen_language(request) -> str | None:
    lang = request.GET.get("lang")
    return lang if lang in LANGUAGES else None


def _remember_language(response, lang: str | None):
    if lang:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            lang,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _render(request, template: str, context: dict, *, status: int = 200):
    """Render in the language chosen with ``?lang=`` (kept in the language
    cookie, like the site's language switch) or the request's language."""
    lang = _chosen_language(request)
    with translation.override(lang or translation.get_language()):
        response = render(request, template, context, status=status)
    return _remember_language(response, lang)


@login_not_required
@never_cache
@require_safe
def verify_page(request, **_ignored):
    """``/s/{token}``, ``/01/{GTIN}[/10/{lot}]/21/{token}`` and ``/c/{token}``.

    A scan is logged for a stamp's page opened with GET (not when the person
    only switched the page's language)."""
    result = verifying.verify(request.path_info, today=timezone.localdate())
    stamp = result.stamp
    if stamp is not None and request.method == "GET" and _chosen_language(request) is None:
        record_scan(stamp=stamp, fingerprint=fingerprint(request))
    batch = result.production_batch
    if batch is not None:
        prefetch_related_objects(
            [batch], Prefetch("events", queryset=TraceEvent.objects.order_by("event_time", "id"))
        )
    certificate = result.certificate
    context = {
        "result": result,
        "product": result.product,
        "certificate": certificate,
        "stamp": stamp,
        "batch": batch,
        "stars": "★" * certificate.star if certificate else "",
        "image_url": (
            reverse("verify:certificate_image", args=[certificate.token])
            if certificate and result.thumbnail
            else ""
        ),
        "newer_url": (
            reverse("verify:certificate", args=[result.newer.token]) if result.newer else ""
        ),
        "where_url": (
            reverse("verify:where", args=[stamp.token])
            if stamp is not None and result.outcome != VerifyOutcome.VOIDED
            else ""
        ),
        "form": ComplaintForm(initial={"code": result.code}),
    }
    return _render(request, "stamps/public/verify.html", context, status=result.http_status)


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


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report(request):
    """ "Report a suspected fake": no account; a honeypot, a signed form
    timestamp and a per-client hourly limit keep spam out. A refused report
    keeps what was typed."""
    status = 200
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                file_complaint(
                    code=data["code"],
                    message=data["message"],
                    place=data["place"],
                    contact=data["contact"],
                    fingerprint=fingerprint(request),
                )
            except TooManyComplaints as error:
                form.add_error(None, str(error))
                status = 429
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("verify:report_sent")
    else:
        form = ComplaintForm(initial={"code": verifying.clean_code(request.GET.get("code", ""))})
    return _render(request, "stamps/public/report.html", {"form": form}, status=status)


@login_not_required
@require_safe
def report_sent(request):
    return _render(request, "stamps/public/report_sent.html", {})
