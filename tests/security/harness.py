"""Enumerating the URL configuration and classifying responses for the
authorization matrix (the expected answers are in ``matrix.py``)."""

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced ("events:participants"), or the view's dotted path if unnamed
    route: str  # the whole route, e.g. "events/<int:pk>/participants/"
    kwargs: tuple[str, ...]  # the captured keyword arguments, in order
    view: str  # dotted path of the view


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, walking through includes."""
    found: list[Pattern] = []

    def walk(resolver, prefix: str, namespace: str | None, converters: tuple[str, ...]):
        for entry in resolver.url_patterns:
            pattern = entry.pattern
            # A route's converters, or a regular expression's named groups (re_path).
            names = tuple(getattr(pattern, "converters", {})) or tuple(pattern.regex.groupindex)
            captured = (*converters, *names)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(pattern), inner, captured)
            elif isinstance(entry, URLPattern):
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    name = entry.lookup_str
                found.append(Pattern(name, prefix + str(pattern), captured, entry.lookup_str))

    walk(get_resolver(), "", None, ())
    return found


ALLOW, DENY = "allow", "deny"


def login_path() -> str:
    return resolve_url(settings.LOGIN_URL)


def classify(response) -> str:
    """``allow``: 2xx, or a redirect anywhere but the login page (the view let
    the person in), or 400 (the view let them in and answered the errors of
    an empty form), or 422 (the API's answer to an empty body); ``deny``: sent
    to log in, 401 (the API without a token), 403, 404, 405, 429. Anything
    else (500…) is returned as its status code, which is never expected."""
    status = response.status_code
    if 200 <= status < 300 or status in (400, 422):
        return ALLOW
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return DENY if location.split("?")[0].endswith(login_path()) else ALLOW
    if status in (401, 403, 404, 405, 429):
        return DENY
    return str(status)
