"""The inspector's visit without a signal: the service worker, and the sync
URL that receives, once each, what the phone kept while offline — the
checklist answers, the representative's acknowledgment, corrective actions
and the close of the visit (photos go through the photo view with their
client id). Each step goes through the same form and domain function as
online; a replay of a client id changes nothing; a visit closed or cancelled
on the server meanwhile is not changed (409, with the message for the
inspector)."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .domain import fieldwork, visits
from .forms_fieldwork import AcknowledgeForm, CloseForm, CorrectiveActionForm
from .rules import can_view_plans

SERVICE_WORKER = settings.SRC_DIR / "static" / "ocop" / "js" / "inspections-sw.js"


@login_not_required
@require_safe
def service_worker(request):
    """The service worker, served under /inspections/ so that its scope covers
    the inspections pages (a static file's URL would limit it to /static/)."""
    response = HttpResponse(
        SERVICE_WORKER.read_bytes(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = reverse("inspections:sw").rsplit("/", 1)[0] + "/"
    response["Cache-Control"] = "no-cache, private"
    return response


def _answer(status: str, message: str, code: int = 200) -> JsonResponse:
    return JsonResponse({"status": status, "message": message}, status=code)


def _closed_meanwhile(kind: str) -> JsonResponse:
    if kind == "answers":
        message = _(
            "The visit was closed on the server in the meantime: the answers "
            "typed on this phone were not sent. They stay on the phone; "
            "tell the person who closed the visit."
        )
    else:
        message = _(
            "The visit was closed on the server in the meantime: what was recorded on this "
            "phone was not sent. It stays on the phone; tell the person who closed the visit."
        )
    return _answer("closed", message, 409)


def _is_closed(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "visit_closed" or any(
        getattr(e, "code", "") == "visit_closed" for e in getattr(error, "error_list", [])
    )


def _form_data(body) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in dict(body.get("fields") or {}).items():
        values = values if isinstance(values, list) else [values]
        data.setlist(str(name), [str(v) for v in values])
    return data


def _answers(request, visit, body, client_id):
    answers = {
        str(code): (str(pair[0]), str(pair[1] if len(pair) > 1 else ""))
        for code, pair in dict(body.get("answers") or {}).items()
    }
    notes = body.get("notes")
    _visit, written = visits.save_answers(
        visit=visit,
        answers=answers,
        notes=None if notes is None else str(notes),
        client_id=client_id,
        by=request.user,
    )
    return written, (
        _("The answers typed without a signal are saved on the server.")
        if written
        else _("These answers had already been received.")
    )


def _ack(request, visit, data, client_id):
    form = AcknowledgeForm(data)
    if not form.is_valid():
        raise ValidationError([m for ms in form.errors.values() for m in ms])
    written = not visits.received(
        visit=visit, action="ocop.inspection_visit.acknowledged", client_id=client_id
    )
    visits.acknowledge(visit=visit, by=request.user, client_id=client_id, **form.cleaned_data)
    return written, (
        _("The acknowledgment recorded without a signal is saved on the server.")
        if written
        else _("This acknowledgment had already been received.")
    )


def _action(request, visit, data, client_id):
    form = CorrectiveActionForm(data)
    if not form.is_valid():
        raise ValidationError([m for ms in form.errors.values() for m in ms])
    action = visits.add_corrective_action(
        visit=visit, by=request.user, client_id=client_id, **form.cleaned_data
    )
    return action is not None, (
        _("The corrective action written without a signal is saved on the server.")
        if action is not None
        else _("This corrective action had already been received.")
    )


def _close(request, visit, data, client_id):
    form = CloseForm(data, product=visit.product)
    if not form.is_valid():
        raise ValidationError([m for ms in form.errors.values() for m in ms])
    cleaned = form.cleaned_data
    _visit, written = visits.close_once(
        visit=visit,
        by=request.user,
        client_id=client_id,
        outcome=cleaned["outcome"],
        visited_on=cleaned["visited_on"],
        ground=cleaned["ground"],
        evidence=cleaned["evidence"],
        complaints=[c.pk for c in cleaned["complaints"]],
        flags=[s.pk for s in cleaned["flags"]],
    )
    return written, (
        _("The visit closed without a signal is closed on the server.")
        if written
        else _("This close had already been received.")
    )


STEPS = {"ack": _ack, "action": _action, "close": _close}


@require_POST
def visit_sync(request, pk: int):
    """One step recorded without a signal, sent once when back online (JSON:
    ``client_id``, ``kind`` — ``answers`` (default, with ``answers`` {code:
    [result, note]} and ``notes``), ``ack``, ``action`` or ``close`` (with
    ``fields``, the form's fields as on the page)). The same client id twice
    records once; a visit closed meanwhile is not changed (409)."""
    if not can_view_plans(request.user):
        raise PermissionDenied
    visit = fieldwork.visits_visible_to(request.user).filter(pk=pk).first()
    if visit is None:
        return _answer("invalid", _("This visit does not exist or is not yours."), 404)
    try:
        body = json.loads(request.body or b"{}")
        client_id = str(body.get("client_id") or "")[:64]
        kind = str(body.get("kind") or "answers")
        data = _form_data(body)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return _answer("invalid", _("The data sent is not readable."), 400)
    if not client_id:
        return _answer("invalid", _("The answers carry no client id."), 400)
    if kind != "answers" and kind not in STEPS:
        return _answer("invalid", _("The data sent is not readable."), 400)
    try:
        if kind == "answers":
            written, message = _answers(request, visit, body, client_id)
        else:
            written, message = STEPS[kind](request, visit, data, client_id)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return _answer("invalid", _("The data sent is not readable."), 400)
    except PermissionDenied as error:
        return _answer("forbidden", str(error), 403)
    except ValidationError as error:
        if _is_closed(error):
            return _closed_meanwhile(kind)
        return _answer("invalid", " ".join(error.messages), 400)
    return _answer("saved" if written else "duplicate", message)
