"""The confirmation step of an irreversible action (open scoring, submit a
scoring sheet, issue a decision, approve or void stamps, revoke a
certificate): without inline script (strict CSP), the server asks.

The action's view calls ``confirmed(request)``; while the POST does not carry
``confirm=1`` it returns ``ask(...)``: a page that states what will happen
and posts the same fields again with ``confirm=1``. Nothing is done before
that second POST, so a script or a test that posts without the field changes
nothing. Forms whose button should not need a round trip may carry the field
themselves only when the page already showed the same summary.
"""

from django.shortcuts import render

FIELD = "confirm"
SKIPPED = {"csrfmiddlewaretoken", FIELD}


def confirmed(request) -> bool:
    """Did the person confirm (the POST carries ``confirm=1``)?"""
    return request.method == "POST" and request.POST.get(FIELD) == "1"


def ask(
    request,
    *,
    title: str,
    summary: list[str],
    button: str,
    back: str,
    warning: str = "",
    danger: bool = True,
):
    """The confirmation page: ``summary`` lines say what will happen; the
    form posts every field of this POST again, with ``confirm=1``."""
    fields = [
        (name, value, "\n" in value)
        for name in request.POST
        if name not in SKIPPED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "summary": [line for line in summary if line],
            "warning": warning,
            "button": button,
            "back": back,
            "danger": danger,
            "fields": fields,
            "action": request.path,
        },
    )
