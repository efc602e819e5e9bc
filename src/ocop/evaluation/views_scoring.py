"""Thin views of the member's scoring sheet: the page, the autosave of the
answers and the comment, the submission (with its confirmation step) and the
chair's reopening."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ocop.core import confirm
from ocop.criteria.domain.queries import compiled_sheet, sheet_with_tree
from ocop.criteria.stars import mandatory_levels

from . import hooks
from .domain import queries, scoring, scoring_offline
from .domain.evidence import evidence_for
from .domain.presentation import sheet_rows
from .forms import ReasonForm
from .models import Scoresheet
from .rules import can_edit_scoresheet


def _errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


def _my_sheet(request, pk: int):
    """The member's own sheet, or a submitted sheet whose scores the reader may see."""
    sheet = get_object_or_404(
        Scoresheet.objects.select_related(
            "item__session__council", "item__product__subject__commune", "member__user"
        ),
        pk=pk,
    )
    if not queries.can_read_scoresheet(request.user, sheet):
        raise Http404
    return sheet


def scoresheet(request, pk: int):
    sheet = _my_sheet(request, pk)
    item = sheet.item
    tree = sheet_with_tree(item.sheet_id)
    answers = {a.criterion_id: a for a in sheet.answers.all()}
    documents = list(
        item.product.subject.documents.filter(
            Q(product__isnull=True) | Q(product=item.product)
        ).order_by("doc_type")
    )
    today = timezone.localdate()
    # What apps above evaluation know about the item (the cycles app: its
    # evaluation dossier), through the scoring-page hook.
    blocks = hooks.evidence_for_item(item, tree=tree)

    def evidence(criterion):
        lines = [line for block in blocks for line in block.lines_for(criterion)]
        if criterion.prefill:
            lines += evidence_for(
                key=criterion.prefill, product=item.product, documents=documents, today=today
            )
        return lines

    rows = sheet_rows(tree, answers, evidence, item.branches)
    # The evidence documents with their validity, shown as on the dossier page
    # (an expired one in red).
    document_rows = [(d, d.validity(today)) for d in documents]
    mandatory = mandatory_levels(compiled_sheet(item.sheet_id).spec)
    for row in rows:
        if row["kind"] == "criterion":
            row["mandatory"] = mandatory.get(row["obj"].code, ())
    return render(
        request,
        "evaluation/scoresheet.html",
        {
            "scoresheet": sheet,
            "item": item,
            "product": item.product,
            "tree": tree,
            "rows": rows,
            "parts": tree.parts.all(),
            "editable": can_edit_scoresheet(request.user, sheet),
            "documents": document_rows,
            "evidence_blocks": blocks,
            # "Saved automatically" only once something was saved.
            "saved": bool(answers) or bool(sheet.comment),
            "none_met": scoring.NONE_MET,
            "nav_active": "evaluation",
        },
    )


@require_POST
def answer(request, pk: int):
    """Autosave one criterion (htmx) or every criterion of the form (no JS)."""
    sheet = _my_sheet(request, pk)
    spec = compiled_sheet(sheet.item.sheet_id).spec
    if "criterion" in request.POST:
        code = request.POST["criterion"]
        criterion = spec.criterion(code)
        targets = [(code, criterion.kind if criterion else "single")]
    else:
        counted = scoring.counted_codes(spec, sheet.item)
        targets = [
            (c.code, c.kind)
            for c in spec.criteria
            if c.code in counted and (f"c-{c.code}" in request.POST or c.kind == "multi")
        ]
    error = None
    for code, kind in targets:
        field = f"c-{code}"
        try:
            scoring.save_answer(
                scoresheet=sheet,
                criterion_code=code,
                by=request.user,
                options=request.POST.getlist(field) if kind != "number" else (),
                value=request.POST.get(field) if kind == "number" else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = exc
            if not request.htmx:
                _errors(request, exc)
    sheet.refresh_from_db()
    if request.htmx:
        return render(
            request,
            "evaluation/_totals.html",
            {
                "scoresheet": sheet,
                "parts": spec.parts,
                "error": error,
                "saved": error is None or sheet.answers.exists(),
            },
        )
    if error is None:
        messages.success(request, _("Saved."))
    return redirect("evaluation:scoresheet", sheet.pk)


@require_POST
def comment(request, pk: int):
    """Autosave the member's comment (htmx), like the answers."""
    sheet = _my_sheet(request, pk)
    error = None
    try:
        sheet = scoring.save_comment(
            scoresheet=sheet, by=request.user, comment=request.POST.get("comment", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        error = exc
        if not request.htmx:
            _errors(request, exc)
    if not request.htmx:
        return redirect("evaluation:scoresheet", sheet.pk)
    sheet.refresh_from_db()
    return render(
        request,
        "evaluation/_totals.html",
        {
            "scoresheet": sheet,
            "parts": compiled_sheet(sheet.item.sheet_id).spec.parts,
            "error": error,
            "saved": error is None,
        },
    )


@require_POST
def submit(request, pk: int):
    sheet = _my_sheet(request, pk)
    # The comment is kept even if the submission is refused (e.g. a criterion
    # not scored yet): the member finds it again on the sheet.
    if "comment" in request.POST and can_edit_scoresheet(request.user, sheet):
        try:
            scoring.save_comment(
                scoresheet=sheet, by=request.user, comment=request.POST.get("comment", "")
            )
        except ValidationError as error:
            _errors(request, error)
            return redirect("evaluation:scoresheet", sheet.pk)
    if not confirm.confirmed(request) and not scoring.unanswered(sheet):
        return confirm.ask(
            request,
            title=_("Submit your scores?"),
            summary=[
                _("Product: %(product)s (round %(round)s).")
                % {"product": sheet.item.product.name, "round": sheet.round},
                _("Your total: %(total)s / 100 points.") % {"total": sheet.total},
                _(
                    "After submitting you cannot change your scores (only the chair can "
                    "reopen your sheet), and you will see the other members' scores."
                ),
            ],
            button=_("Yes, submit my scores"),
            back=reverse("evaluation:scoresheet", args=[sheet.pk]),
            warning=_("A submitted sheet is locked."),
            danger=False,
        )
    try:
        scoring.submit_scoresheet(
            scoresheet=sheet, by=request.user, comment=request.POST.get("comment", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return redirect("evaluation:scoresheet", sheet.pk)
    messages.success(
        request, _("Your sheet is submitted. You can now see the other members' scores.")
    )
    return redirect("evaluation:item", sheet.item_id)


@require_POST
def reopen(request, pk: int):
    sheet = get_object_or_404(
        Scoresheet.objects.filter(item__in=queries.items_visible_to(request.user)), pk=pk
    )
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for reopening the sheet."))
        scoring.reopen_scoresheet(
            scoresheet=sheet, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("The sheet is reopened; the member can change it and submit again.")
        )
    return redirect("evaluation:item", sheet.item_id)


# Offline ------------------------------------------------------------------------------------

# The inspections' service worker (network first, cached copy without a
# signal) serves the scoring pages too: the same static file, served under
# /evaluation/ so that its scope covers the scoresheets.
SERVICE_WORKER = settings.SRC_DIR / "static" / "ocop" / "js" / "inspections-sw.js"


@login_not_required
@require_safe
def service_worker(request):
    response = HttpResponse(
        SERVICE_WORKER.read_bytes(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = reverse("evaluation:sw").rsplit("/", 1)[0] + "/"
    response["Cache-Control"] = "no-cache, private"
    return response


def _json_error(status: str, message: str, code: int) -> JsonResponse:
    return JsonResponse({"status": status, "message": message}, status=code)


def _totals_html(request, sheet) -> str:
    """The running totals as the autosave shows them, to replace the stale box."""
    return render_to_string(
        "evaluation/_totals.html",
        {
            "scoresheet": sheet,
            "parts": compiled_sheet(sheet.item.sheet_id).spec.parts,
            "error": None,
            "saved": True,
        },
        request=request,
    )


@require_POST
def sync(request, pk: int):
    """Answers (and the comment) typed without a signal, and the submission
    asked for without a signal, sent once when back online (JSON:
    ``client_id``, ``answers`` {code: {"options": [...], "value": ...}},
    ``comment``, ``submit``), through ``scoring_offline.receive_offline``.
    The same client id twice is recorded once. A sheet that can no longer
    change (session closed, sheet submitted, round over) is not touched: 409
    with the message for the member."""
    sheet = _my_sheet(request, pk)
    try:
        body = json.loads(request.body or b"{}")
        client_id = str(body.get("client_id") or "")[:64]
        answers = {
            str(code): (
                [str(o) for o in (entry.get("options") or [])],
                entry.get("value"),
            )
            for code, entry in dict(body.get("answers") or {}).items()
        }
        comment = body.get("comment")
        submit = body.get("submit") is True
    except (ValueError, TypeError, AttributeError):
        return _json_error("invalid", _("The data sent is not readable."), 400)
    if not client_id:
        return _json_error("invalid", _("The answers carry no client id."), 400)
    try:
        result = scoring_offline.receive_offline(
            scoresheet=sheet,
            by=request.user,
            client_id=client_id,
            answers=answers,
            comment=None if comment is None else str(comment),
            submit=submit,
        )
    except scoring_offline.SheetLocked as error:
        text = (
            _(
                "Your submission and the answers typed without a signal were not sent: "
                "%(reason)s They stay on this phone; tell the council's secretary or the chair."
            )
            if submit
            else _(
                "Your answers typed without a signal were not sent: %(reason)s They stay "
                "on this phone; tell the council's secretary or the chair."
            )
        )
        return _json_error("closed", text % {"reason": " ".join(error.messages)}, 409)
    except PermissionDenied as error:
        return _json_error("forbidden", str(error), 403)
    except ValidationError as error:
        return _json_error("invalid", " ".join(error.messages), 400)
    sheet = result.scoresheet
    item_url = reverse("evaluation:item", args=[sheet.item_id])
    if result.status == scoring_offline.DUPLICATE:
        message = (
            _("This submission had already been received.")
            if submit and scoring_offline.is_submitted(sheet)
            else _("These answers had already been received.")
        )
        return JsonResponse({"status": "duplicate", "message": message, "item_url": item_url})
    messages_ = {
        scoring_offline.SAVED: _("The answers typed without a signal are saved on the server."),
        scoring_offline.SUBMITTED: _(
            "Your sheet, scored without a signal, is submitted. You can now see the other "
            "members' scores."
        ),
        scoring_offline.NOT_SUBMITTED: _(
            "The answers typed without a signal are saved, but the sheet is not submitted: "
            "%(reason)s"
        )
        % {"reason": " ".join(result.refusal)},
    }
    return JsonResponse(
        {
            "status": result.status,
            "message": messages_[result.status],
            "totals": _totals_html(request, sheet),
            "item_url": item_url,
        }
    )
