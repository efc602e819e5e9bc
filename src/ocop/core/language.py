"""Public pages opened from a QR code or a link may carry ``?lang=en``: they
are rendered in that language and the choice is kept in the language cookie,
as the site's language switch does."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def chosen_language(request) -> str | None:
    if not request.META.get("QUERY_STRING"):
        return None
    lang = request.GET.get("lang")
    return lang if lang in LANGUAGES else None


def remember_language(response, lang: str | None):
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


def render_in_chosen_language(request, template: str, context: dict, *, status: int = 200):
    """Render in the language chosen with ``?lang=`` or the request's language."""
    lang = chosen_language(request)
    with translation.override(lang or translation.get_language()):
        response = render(request, template, context, status=status)
    return remember_language(response, lang)
