"""Every URL pattern × anonymous and every role × an object in and out of
scope → the answer the rules in ``matrix.py`` expect.

The patterns come from the URL configuration itself, so a new URL without a
rule fails ``test_every_url_pattern_has_a_rule``. Each request runs in a
savepoint that is rolled back, so an allowed POST changes nothing for the
next one."""

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client
from django.urls import reverse

from ocop.accounts.enums import Role
from tests.factories.accounts import UserFactory, user_with_role

from .harness import ALLOW, DENY, classify, url_patterns
from .matrix import EXCLUDED, RULES
from .world import ANONYMOUS, ROLES, build_world

APPS = sorted({name.split(":")[0] if ":" in name else "root" for name in RULES})


def _excluded(pattern) -> bool:
    return any(pattern.route.startswith(prefix) for prefix in EXCLUDED)


def _patterns():
    return [p for p in url_patterns() if not _excluded(p)]


def test_every_url_pattern_has_a_rule():
    missing = [p.name for p in _patterns() if p.name not in RULES]
    assert missing == [], "\n".join(
        f"URL {name} has no authorization rule: add it to tests/security/matrix.py"
        for name in missing
    )


def test_every_rule_names_a_url_pattern():
    names = {p.name for p in _patterns()}
    assert sorted(set(RULES) - names) == []


def test_every_rule_names_the_keywords_of_its_url():
    wrong = [
        (p.name, p.kwargs, tuple(RULES[p.name].args))
        for p in _patterns()
        if p.name in RULES and not RULES[p.name].path and set(p.kwargs) != set(RULES[p.name].args)
    ]
    assert wrong == []


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The people and objects, built once for the module inside a transaction
    that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _value(spec: str, objects: dict):
    if "{" in spec:
        return spec.format_map(objects)
    if spec.startswith("="):
        return spec[1:]
    kind, _dot, attribute = spec.partition(".")
    return getattr(objects[kind], attribute or "pk")


def _url(pattern, rule, objects) -> str:
    if rule.path:
        url = rule.path
    else:
        url = reverse(pattern.name, kwargs={k: _value(v, objects) for k, v in rule.args.items()})
    return f"{url}?{rule.query}" if rule.query else url


def _request(client, url: str, data: dict, token: str = "") -> tuple[str, int, str, list[str]]:
    """GET (POST when GET is not allowed), inside a rolled-back savepoint; a
    page that answers GET must answer HEAD alike, and a page served to a
    signed-in person must not be kept by any cache. Returns the verdict, the
    status, the method and what HEAD/caching got wrong. Under /api/ a person
    calls with their personal API token (``token``), as programs do."""
    cache.clear()  # the login lockout
    caches["ratelimit"].clear()  # the verification page's limit
    faults = []
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    with transaction.atomic():
        response = _read(client.get(url, **headers))
        method = "GET"
        if response.status_code == 405:
            response = _read(client.post(url, data, **headers))
            method = "POST"
        elif response.status_code == 200:
            signed_in = bool(client.cookies.get("sessionid") or token)
            caching = response.headers.get("Cache-Control", "")
            if signed_in and "no-store" not in caching and "private" not in caching:
                faults.append(f"Cache-Control {caching!r} on a signed-in page")
            cache.clear()
            caches["ratelimit"].clear()
            head = _read(client.head(url, **headers))
            if head.status_code != response.status_code:
                faults.append(f"HEAD answered {head.status_code}, GET {response.status_code}")
        transaction.set_rollback(True)
    return classify(response), response.status_code, method, faults


def _read(response):
    """Read a streamed file to its end: the test client's wrapper then closes
    it without closing the database connection (which ``response.close()``
    alone would do inside a transaction, on PostgreSQL)."""
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return response


def _clients(world) -> dict[str, Client]:
    clients = {ANONYMOUS: Client(raise_request_exception=False)}
    for role in ROLES[1:]:
        client = Client(raise_request_exception=False)
        client.force_login(world["users"][role])
        clients[role] = client
    return clients


def _still_signed_in(client, user) -> None:
    """Log in again after a request that logged out (the logout page)."""
    cookie = client.cookies.get("sessionid")
    if cookie is None or not cookie.value:
        client.force_login(user)


@pytest.mark.parametrize("app", APPS)
def test_authorization_matrix(app, world, db):
    clients = _clients(world)
    mismatches = []
    checked = 0
    for pattern in _patterns():
        name = pattern.name
        if (name.split(":")[0] if ":" in name else "root") != app:
            continue
        rule = RULES[name]
        scopes = ("in", "out") if pattern.kwargs else ("page",)
        for scope in scopes:
            objects = world["out" if scope == "out" else "in"]
            url = _url(pattern, rule, objects)
            data = {k: _value(v, objects) for k, v in rule.data.items()}
            expected = rule.allowed(scope)
            for role in ROLES:
                token = world["tokens"].get(role, "") if url.startswith("/api/") else ""
                got, status, method, faults = _request(clients[role], url, data, token)
                mismatches.extend(f"{name} {role} {scope}-scope (GET {url}): {f}" for f in faults)
                if role != ANONYMOUS:
                    _still_signed_in(clients[role], world["users"][role])
                checked += 1
                want = ALLOW if role in expected else DENY
                if got != want:
                    mismatches.append(
                        f"{name} {role} {scope}-scope ({method} {url}): "
                        f"expected {want}, got {status}"
                    )
    assert checked > 0
    assert mismatches == [], f"{len(mismatches)} of {checked} answers differ:\n" + "\n".join(
        mismatches
    )


def test_the_django_admin_refuses_non_staff_users(client, db):
    officer = user_with_role(Role.CENTRAL_ADMIN, unit=None, username="tw.khong-staff")
    client.force_login(officer)
    response = client.get("/django-admin/")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/django-admin/login/?next=/django-admin/",
    )
    staff = UserFactory(username="nv.staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/django-admin/").status_code == 200
