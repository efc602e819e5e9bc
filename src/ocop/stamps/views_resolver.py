"""The GS1-Conformant resolver (GS1 Digital Link 1.2+): ``/01/{GTIN}/…``,
compressed Digital Links at the site's root, and ``/.well-known/gs1resolver``.

* A person's phone opening a stamp's link (GET, no ``linkType``, HTML) gets
  the verification page itself (``views_public.verify_page``: the only
  request counted as a consumer scan), with the ``Link`` header.
* ``linkType=gs1:…`` answers 307 to that link's page of ours (an unknown or
  unavailable link type: the default link); ``linkType=linkset`` (or
  ``all``), or ``Accept: application/linkset+json``, the RFC 9264 linkset.
* A syntax error is 400 (for people, the same counterfeit warning page), an
  unknown code 404, a voided stamp 410; a lot that is not the stamp's batch
  or an unexpected qualifier is unknown, never genuine.
* ``OPTIONS`` answers 204 with ``Allow``; every answer carries CORS headers
  (no credentials: these are public, read-only resources).
* A compressed Digital Link is decompressed and answered 307 with its
  uncompressed form (query kept).

Machine requests (linkset, HEAD, OPTIONS, redirects) count no scan.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt

from ocop.core import clock
from ocop.core.lean import lean_public

from .domain import resolver
from .domain import verify as verifying
from .domain.digital_link import DigitalLinkError, parse_compressed, parse_path, query_pairs
from .enums import VerifyOutcome
from .views_public import no_store, verification_response

ALLOW = "GET, HEAD, OPTIONS"
VARY = "Accept, Cookie, Accept-Language"
LINKSET_TYPES = (resolver.LINKSET_TYPE, "application/json")


class TemporaryRedirect(HttpResponseRedirect):
    status_code = 307


def cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ALLOW
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response["Access-Control-Expose-Headers"] = "Link, Location"
    return response


def _options():
    """204 with ``Allow``; never stored, and varying with the cookies as every
    answer of the site does (the preflight's own cache is ``Max-Age``)."""
    response = HttpResponse(status=204)
    response["Allow"] = ALLOW
    response["Access-Control-Max-Age"] = "86400"
    response["Vary"] = "Cookie, Accept-Language"
    return no_store(cors(response))


def _link_type(request) -> str:
    """The ``linkType`` asked for ("" without a query: a phone's scan)."""
    return request.GET.get("linkType", "") if request.META.get("QUERY_STRING") else ""


def _wants_linkset(request) -> bool:
    if _link_type(request) in ("linkset", "all"):
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    return any(kind in accept for kind in LINKSET_TYPES) and "text/html" not in accept


def _problem(status: int, title: str):
    response = JsonResponse({"status": status, "title": title}, status=status)
    return no_store(cors(response))


def _finish(response, anchor: str, links):
    """Link header, Vary, no-store, CORS. The answer varies with the language
    cookie too (the titles, the page)."""
    if links:
        response["Link"] = resolver.link_header(anchor, links)
    response["Vary"] = VARY
    return no_store(cors(response))


def _answer(request, anchor: str, links, *, status: int = 200):
    """A linkset, a redirect for a link type, or None (the default page)."""
    if _wants_linkset(request):
        if not links or status >= 400:
            return _problem(status if status >= 400 else 404, "no links for this identifier")
        body = JsonResponse(resolver.linkset(anchor, links), content_type=resolver.LINKSET_TYPE)
        return _finish(body, anchor, links)
    wanted = resolver.link_type(_link_type(request))
    if wanted is None or status >= 400:
        return None
    target = next((link for link in links if link.rel == wanted), links[0] if links else None)
    if target is None:
        return None
    return _finish(TemporaryRedirect(target.href), anchor, links)


def _links_shown(result) -> bool:
    if result is None or result.stamp is None:
        return False
    return result.outcome != VerifyOutcome.VOIDED


def _links(result, anchor: str) -> list:
    return resolver.stamp_links(result, anchor=anchor) if _links_shown(result) else []


def _stamp(request, link):
    path = link.path()
    anchor = resolver.absolute(path)
    code = verifying.code_of_link(link)
    if _wants_linkset(request) or _link_type(request):
        # A machine's question: no scan counted.
        result = verifying.verify(path, today=clock.localdate(), code=code)
        answer = _answer(request, anchor, _links(result, anchor), status=result.http_status)
        if answer is not None:
            return answer
    # People (and HEAD): the verification page, counted only for a GET; never
    # stored already (what ``_finish`` would add but the Link header and CORS).
    response, result = verification_response(request, code=code, vary=VARY)
    if _links_shown(result):
        response["Link"] = resolver.stamp_link_header(result, anchor=anchor)
    return cors(response)


def _unknown(request):
    """An identifier we never issued: for people, the counterfeit warning (404)."""
    if _wants_linkset(request):
        return _problem(404, "unknown identifier")
    return no_store(cors(verification_response(request)[0]))


def _product(request, link):
    if link.lot:  # a lot without a serial: this resolver knows lots only on stamps
        return _unknown(request)
    product = resolver.product_by_gtin(link.gtin)
    anchor = resolver.absolute(link.path())
    links = resolver.product_links(product, anchor=anchor) if product is not None else []
    if not links:
        return _unknown(request)
    answer = _answer(request, anchor, links)
    if answer is not None:
        return answer
    # The default link for a product's GTIN is its page (or its certificate).
    return _finish(TemporaryRedirect(links[0].href), anchor, links)


@lean_public
@csrf_exempt
@login_not_required
def resolve(request, rest: str = ""):
    """``/01/{GTIN}[/22/…][/10/…][/21/…]``."""
    if request.method == "OPTIONS":
        return _options()
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = ALLOW
        return cors(response)
    try:
        link = parse_path(request.path_info, request.META.get("QUERY_STRING", ""))
    except DigitalLinkError as error:
        if _wants_linkset(request):
            return _problem(400, str(error))
        # People: the counterfeit warning page, answered 400.
        return no_store(cors(verification_response(request)[0]))
    if link.serial:
        return _stamp(request, link)
    return _product(request, link)


@csrf_exempt
@login_not_required
def resolve_compressed(request, segment: str):
    """A compressed GS1 Digital Link at the site's root: 307 to its
    uncompressed form (anything else that is not one: 404)."""
    if request.method == "OPTIONS":
        return _options()
    if request.method not in ("GET", "HEAD"):
        raise Http404
    query = request.META.get("QUERY_STRING", "")
    try:
        link = parse_compressed(segment, query)
    except DigitalLinkError:
        raise Http404 from None
    kept = {**link.attributes, **query_pairs(query)}  # compressed data attributes too
    target = link.path() + (f"?{urlencode(kept)}" if kept else "")
    return no_store(cors(TemporaryRedirect(target)))


@login_not_required
def well_known(request):
    """``/.well-known/gs1resolver``: what this resolver answers for."""
    if request.method == "OPTIONS":
        return _options()
    return cors(JsonResponse(resolver.resolver_description()))
