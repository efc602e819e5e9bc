"""The lean middleware stack of the public verification pages
(``ocop.core.lean``): its answers are those of the whole stack, header by
header; other methods and views still go through the whole stack."""

import re
from datetime import UTC, datetime
from re import _constants as sre
from re import _parser as sre_parser

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import URLResolver, get_resolver

from ocop.core.lean import lean_public
from ocop.stamps import views_public, views_resolver
from ocop.stamps.enums import StampState
from ocop.stamps.models import Stamp
from tests.factories.traceability import ProductionBatchFactory
from tests.verify.conftest import make_batch, make_certificate, make_stamp

pytestmark = pytest.mark.django_db

LEAN = "ocop.core.lean.LeanPublicPagesMiddleware"
GTIN = "08930000000019"
LOT = "LO-2026-01"
LINKSET = "application/linkset+json"
GS1 = "/01/{gtin}/10/{lot}/21/{token}"
FIRST_SCAN = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
NONCE_HEADER = re.compile(r"'nonce-([^']+)'")
NONCE_BODY = re.compile(r'nonce="([^"]+)"')


@pytest.fixture
def stacks(settings):
    """(lean, whole): a client through the project's MIDDLEWARE, and one
    through the same MIDDLEWARE without the lean middleware."""
    lean = Client()
    lean.handler.load_middleware()  # loaded now: the settings change below
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != LEAN]
    whole = Client()
    whole.handler.load_middleware()
    return lean, whole


@pytest.fixture
def pairs(product_x, producer_x):
    """Per kind, two equal stamps of one batch (a GTIN, a lot, a certificate),
    already scanned once at the same time: one per stack."""
    product_x.gtin = GTIN[1:]
    product_x.save()
    make_certificate(product_x)
    lot = ProductionBatchFactory(product=product_x, lot_code=LOT)
    batch = make_batch(product_x, by=producer_x, production_batch=lot)
    found = {
        "active": (make_stamp(batch), make_stamp(batch)),
        "voided": (
            make_stamp(batch, state=StampState.VOIDED),
            make_stamp(batch, state=StampState.VOIDED),
        ),
    }
    Stamp.objects.filter(batch=batch).update(scan_count=1, first_scan_at=FIRST_SCAN)
    return found


# id: (stamp kind or None, method, path, options)
CASES = {
    "page": ("active", "get", "/s/{token}", {}),
    "head": ("active", "head", "/s/{token}", {}),
    "lang-query": ("active", "get", "/s/{token}", {"query": {"lang": "en"}}),
    "lang-cookie": ("active", "get", "/s/{token}", {"cookie": "en"}),
    "malformed": (None, "get", "/s/tooshort", {}),
    "unknown": (None, "get", "/s/" + "Q" * 20, {}),
    "voided": ("voided", "get", "/s/{token}", {}),
    "certificate": (None, "get", "/c/{certificate}", {}),
    "certificate-en": (None, "get", "/c/{certificate}", {"query": {"lang": "en"}}),
    "gs1": ("active", "get", GS1, {}),
    "gs1-head": ("active", "head", GS1, {}),
    "gs1-pip": ("active", "get", GS1, {"query": {"linkType": "gs1:pip"}}),
    "gs1-linkset": ("active", "get", GS1, {"query": {"linkType": "linkset"}}),
    "gs1-accept": ("active", "get", GS1, {"headers": {"Accept": LINKSET}}),
    "gs1-options": ("active", "options", GS1, {}),
    "gs1-voided": ("voided", "get", GS1, {}),
    "gs1-unknown": (None, "get", "/01/{gtin}/21/" + "Q" * 20, {}),
    "gs1-malformed": (None, "get", "/01/08930000000018/21/" + "Q" * 20, {}),
    "gs1-product": (None, "get", "/01/{gtin}", {}),
    "signed-in": ("active", "get", "/s/{token}", {"login": True}),
    "signed-in-gs1": ("active", "get", GS1, {"login": True}),
    "signed-in-options": ("active", "options", GS1, {"login": True}),
}


def ask(client, stamp, certificate, method, path, options, user):
    if options.get("cookie"):
        client.cookies["ocop_language"] = options["cookie"]
    if options.get("login"):
        client.force_login(user)
    token = stamp.token if stamp else ""
    path = path.format(token=token, gtin=GTIN, lot=LOT, certificate=certificate.token)
    views_public.PAGES.clear()  # each stack renders its own page
    return getattr(client, method)(
        path, query_params=options.get("query"), headers=options.get("headers")
    )


def normalised(response, stamp):
    """Status, headers, cookies and body with the stamp's own values and the
    CSP nonce replaced by placeholders."""
    header_nonces = set(NONCE_HEADER.findall(response.get("Content-Security-Policy", "")))
    body = response.content.decode()
    body_nonces = set(NONCE_BODY.findall(body))
    if body_nonces:  # the page's scripts carry the answer's own nonce
        assert body_nonces == header_nonces

    def clean(text: str) -> str:
        if stamp is not None:
            text = text.replace(stamp.token, "{token}").replace(stamp.serial, "{serial}")
        text = NONCE_HEADER.sub("'nonce-{nonce}'", text)
        return NONCE_BODY.sub('nonce="{nonce}"', text)

    headers = {name.lower(): clean(value) for name, value in response.headers.items()}
    cookies = {name: (clean(m.value), dict(m)) for name, m in response.cookies.items()}
    return response.status_code, headers, cookies, clean(body)


def both(case, stacks, pairs, user, product_x):
    """The normalised answers of the lean and the whole stack to ``case``."""
    kind, method, path, options = CASES[case]
    certificate = product_x.certificates.get()
    lean_stamp, whole_stamp = pairs[kind] if kind else (None, None)
    lean, whole = stacks
    lean_answer = ask(lean, lean_stamp, certificate, method, path, options, user)
    whole_answer = ask(whole, whole_stamp, certificate, method, path, options, user)
    # Served by the lean stack (no session), compared with the whole one.
    assert not hasattr(lean_answer.wsgi_request, "session")
    assert hasattr(whole_answer.wsgi_request, "session")
    if kind:  # both stamps scanned alike
        counts = Stamp.objects.filter(pk__in=[lean_stamp.pk, whole_stamp.pk])
        assert len(set(counts.values_list("scan_count", "first_scan_at"))) == 1
    return normalised(lean_answer, lean_stamp), normalised(whole_answer, whole_stamp)


@pytest.mark.parametrize("case", list(CASES))
def test_the_lean_answer_is_the_whole_stacks(case, stacks, pairs, province_officer, product_x):
    lean, whole = both(case, stacks, pairs, province_officer, product_x)
    lean_status, lean_headers, lean_cookies, lean_body = lean
    status, headers, cookies, body = whole
    assert lean_status == status
    assert lean_headers == headers
    assert lean_cookies == cookies
    assert lean_body == body
    if "lang" in (CASES[case][3].get("query") or {}):  # the choice is kept
        assert cookies["ocop_language"][0] == "en"


@pytest.mark.parametrize("case", ["page", "head", "gs1-pip", "gs1-linkset", "certificate"])
def test_the_lean_answer_has_the_content_length(case, stacks, pairs, province_officer, product_x):
    lean, whole = both(case, stacks, pairs, province_officer, product_x)
    assert "content-length" in whole[1]
    assert lean[1].get("content-length") == whole[1]["content-length"]


# Not lean: other methods and views under the same prefixes ------------------


def test_the_lean_stack_checks_the_host(pairs, settings):
    """CommonMiddleware stays in the lean stack: a Host outside ALLOWED_HOSTS
    is refused there as everywhere (400), before the page counts a scan."""
    settings.ALLOWED_HOSTS = ["testserver"]
    stamp = pairs["active"][0]
    assert Client().get(f"/s/{stamp.token}").status_code == 200
    response = Client().get(f"/s/{stamp.token}", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert not hasattr(response.wsgi_request, "session")
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 2  # the first request's scan only


def test_a_post_goes_through_the_whole_stack(pairs):
    stamp = pairs["active"][0]
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/s/{stamp.token}", {"x": "1"})
    assert response.status_code == 403  # CSRF, not the view's 405
    assert hasattr(response.wsgi_request, "session")
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 1  # as set up: nothing counted


def test_the_where_view_gets_its_csrf_cookie(client, pairs, settings):
    stamp = pairs["active"][0]
    response = client.get(f"/s/{stamp.token}/where")
    assert response.status_code == 200
    assert hasattr(response.wsgi_request, "session")
    assert response.json()["csrf"]
    assert response.cookies[settings.CSRF_COOKIE_NAME].value


def test_the_certificate_image_goes_through_the_whole_stack(stacks, pairs, product_x):
    lean, whole = stacks
    path = f"/c/{product_x.certificates.get().token}/image"
    lean_answer, whole_answer = lean.get(path), whole.get(path)
    assert hasattr(lean_answer.wsgi_request, "session")
    lean_status, lean_headers, lean_cookies, _body = normalised(lean_answer, None)
    status, headers, cookies, _body = normalised(whole_answer, None)
    assert (lean_status, lean_headers) == (status, headers)
    assert set(lean_cookies) == set(cookies)  # its error page's CSRF cookie too


# The marker and the routes --------------------------------------------------


def test_only_a_public_view_can_be_lean():
    def private(request):
        return None

    with pytest.raises(ValueError, match="login_not_required"):
        lean_public(private)
    assert not hasattr(private, "lean_public")
    with pytest.raises(ValueError, match="login_not_required"):
        login_not_required(lean_public(private))  # outermost only

    def public(request):
        return None

    assert lean_public(login_not_required(public)).lean_public is True


def _starts(items) -> tuple[set[str], bool]:
    """(texts, whole): the literal texts a match of parsed regex ``items``
    begins with, and whether they are all of the match."""
    texts = {""}
    for op, av in items:
        if op == sre.AT:  # an anchor matches no text
            continue
        if op == sre.LITERAL:
            part, whole = {chr(av)}, True
        elif op == sre.IN and all(inner == sre.LITERAL for inner, _ in av):
            part, whole = {chr(value) for _, value in av}, True
        elif op == sre.SUBPATTERN:
            part, whole = _starts(av[-1])
        elif op == sre.BRANCH:
            found = [_starts(branch) for branch in av[1]]
            part = set().union(*(texts for texts, _ in found))
            whole = all(whole for _, whole in found)
        else:
            return texts, False
        texts = {text + more for text in texts for more in part}
        if not whole:
            return texts, False
    return texts, True


def lean_routes(patterns, prefix: str = ""):
    """(callback, full regex) of every URL pattern whose view is lean."""
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from lean_routes(pattern.url_patterns, regex)
        elif getattr(pattern.callback, "lean_public", False):
            yield pattern.callback, regex


def test_every_lean_view_is_routed_under_a_lean_prefix(settings):
    routes = list(lean_routes(get_resolver().url_patterns))
    assert {views_public.verify_page, views_resolver.resolve} <= {view for view, _ in routes}
    for _view, regex in routes:
        starts, _whole = _starts(sre_parser.parse(regex))
        assert starts, regex
        for text in starts:
            assert f"/{text}".startswith(tuple(settings.OCOP_LEAN_PREFIXES)), regex
