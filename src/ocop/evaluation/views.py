"""Thin views over ``ocop.evaluation.domain``: councils, sessions, scoring."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.core.domain.activity import history_for
from ocop.core.downloads import bytes_response, file_response
from ocop.core.idempotency import once
from ocop.core.search import search
from ocop.criteria.domain.queries import case_choices, compiled_sheet, sheet_with_tree
from ocop.criteria.stars import mandatory_levels
from ocop.products.models import Product

from . import hooks
from .domain import councils as council_domain
from .domain import queries, scoring
from .domain import sessions as session_domain
from .domain.documents import render_minutes, render_scoresheet, results_workbook
from .domain.evidence import evidence_for
from .domain.presentation import sheet_rows
from .enums import Body, ItemStatus, SessionState, SheetStatus
from .forms import CloseForm, ConflictForm, CouncilForm, MemberForm, ReasonForm
from .models import Conflict, CouncilMember, Scoresheet
from .rules import (
    can_create_council,
    can_edit_scoresheet,
    can_manage_council,
    can_manage_session,
    is_chair,
    member_of,
)

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


def _form_errors(form, error: ValidationError | PermissionDenied) -> None:
    """A domain refusal shown on the form that asked for it (fields it names
    on their fields, the rest above the form)."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You are not allowed to do this."))
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Home --------------------------------------------------------------------------


def home(request):
    user = request.user
    my_sheets = list(
        queries.scoresheets_of(user).filter(
            item__session__state=SessionState.OPEN, round=F("item__round")
        )[:200]
    )
    return render(
        request,
        "evaluation/home.html",
        {
            "councils": queries.councils_visible_to(user)[:100],
            "sessions": queries.sessions_visible_to(user)[:50],
            "my_sheets": my_sheets,
            "can_create": can_create_council(user),
            "nav_active": "evaluation",
        },
    )


# Councils ----------------------------------------------------------------------


@once
def council_create(request):
    if not can_create_council(request.user):
        raise PermissionDenied
    form = CouncilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            council = council_domain.create_council(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
        else:
            messages.success(request, _("The council has been set up. Add its members."))
            return redirect("evaluation:council", council.pk)
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": _("Set up a council"), "nav_active": "evaluation"},
    )


def council_edit(request, pk: int):
    council = get_object_or_404(queries.councils_visible_to(request.user), pk=pk)
    if not can_manage_council(request.user, council):
        raise PermissionDenied
    form = CouncilForm(request.POST or None, instance=council)
    if request.method == "POST" and form.is_valid():
        try:
            council_domain.update_council(council=council, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("evaluation:council", council.pk)
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": council.name, "nav_active": "evaluation"},
    )


def council_detail(request, pk: int, *, member_form=None, status=200):
    council = get_object_or_404(queries.councils_visible_to(request.user), pk=pk)
    manages = can_manage_council(request.user, council)
    members = council.members.select_related("user", "commune").prefetch_related("expertise")
    return render(
        request,
        "evaluation/council_detail.html",
        {
            "council": council,
            "members": [m for m in members if m.body == Body.COUNCIL],
            "advisory": [m for m in members if m.body == Body.ADVISORY],
            "sessions": council.sessions.all(),
            "calibration": queries.calibration(council) if manages else [],
            "manages": manages,
            "member_form": member_form or (MemberForm() if manages else None),
            "history": history_for(council)[:30],
            "nav_active": "evaluation",
        },
        status=status,
    )


@require_POST
@once
def member_add(request, pk: int):
    council = get_object_or_404(queries.councils_visible_to(request.user), pk=pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            council_domain.add_member(
                council=council,
                user=data["login"],
                by=request.user,
                body=data["body"],
                role=data["role"],
                organisation=data["organisation"],
                position=data["position"],
                commune=data["commune"],
                expertise=data["expertise"],
            )
        except (ValidationError, PermissionDenied) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Member added."))
            return redirect("evaluation:council", council.pk)
    # The council page again, with the form as typed and its errors.
    return council_detail(request, council.pk, member_form=form, status=400)


@require_POST
def member_remove(request, pk: int):
    member = get_object_or_404(
        CouncilMember.objects.filter(council__in=queries.councils_visible_to(request.user)), pk=pk
    )
    try:
        council_domain.remove_member(member=member, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    return redirect("evaluation:council", member.council_id)


# Sessions ----------------------------------------------------------------------


def _session(request, pk: int):
    return get_object_or_404(queries.sessions_visible_to(request.user), pk=pk)


def session_detail(request, pk: int, *, conflict_form=None, status=200):
    session = _session(request, pk)
    user = request.user
    manages = can_manage_session(user, session)
    member = member_of(user, session.council)
    items = list(queries.agenda(session))
    progress = queries.progress(session)
    mine = {
        s.item_id: s
        for s in Scoresheet.objects.filter(item__session=session, member__user=user).order_by(
            "round"
        )
    }
    for item in items:
        item.progress = progress.get(item.pk, {"submitted": 0, "total": 0})
        item.my_sheet = mine.get(item.pk)
    candidates = []
    query = request.GET.get("q", "").strip()
    if manages and session.state == SessionState.PLANNED and query:
        candidates = _candidates(session, query)
    attendance = session.attendance.select_related("member__user").order_by("member__id")
    conflicts = (
        Conflict.objects.filter(item__session=session)
        .select_related("member__user", "item__product")
        .order_by("item__order", "member_id")
    )
    history = list(history_for(session)[:50])
    return render(
        request,
        "evaluation/session_detail.html",
        {
            "session": session,
            "items": items,
            "manages": manages,
            "member": member,
            "chair": is_chair(user, session),
            "quorum": queries.quorum(session),
            "attendance": attendance,
            "conflicts": conflicts,
            "conflict_form": conflict_form
            or (
                ConflictForm(session=session)
                if manages
                else (ConflictForm(session=session, member=member) if member else None)
            ),
            "close_form": CloseForm(initial={"note": session.note}),
            "query": query,
            "candidates": candidates,
            "can_open": session_domain.can_open(user, session),
            "can_close": session_domain.can_close(user, session),
            "can_edit": manages and session.state == SessionState.PLANNED,
            "today": timezone.localdate(),
            "history": history,
            "schedule_changes": session_domain.schedule_changes(history),
            "nav_active": "evaluation",
        },
        status=status,
    )


def _candidates(session, query: str):
    products = Product.objects.exclude(agenda_items__session=session).select_related(
        "subject", "commune", "category"
    )
    unit = session.council.unit
    if unit is not None:
        province = unit.current_province if not unit.is_current else unit
        products = products.filter(province=province)
    return search(products, query)[:20]


@require_POST
def session_state(request, pk: int):
    session = _session(request, pk)
    action = request.POST.get("action", "")
    if action not in session_domain.WORKFLOW.by_action:
        raise Http404
    try:
        session = session_domain.set_session_state(
            session=session, action=action, by=request.user, reason=request.POST.get("note", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Scoring is open.")
            if session.state == SessionState.OPEN
            else _("The session is closed."),
        )
    return redirect("evaluation:session", session.pk)


@require_POST
def attendance(request, pk: int):
    session = _session(request, pk)
    try:
        session_domain.set_attendance(
            session=session, present_member_ids=request.POST.getlist("present"), by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("Attendance saved."))
    return redirect("evaluation:session", session.pk)


@require_POST
@once
def item_add(request, pk: int):
    session = _session(request, pk)
    product = get_object_or_404(Product, pk=request.POST.get("product"))
    try:
        session_domain.add_item(
            session=session,
            product=product,
            by=request.user,
            exception_reason=request.POST.get("exception_reason", ""),
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("“%(product)s” is on the agenda.") % {"product": product})
    return redirect("evaluation:session", session.pk)


def _item(request, pk: int):
    return get_object_or_404(
        queries.items_visible_to(request.user).select_related(
            "session__council", "product__subject", "sheet__legal_basis"
        ),
        pk=pk,
    )


@require_POST
def item_remove(request, pk: int):
    item = _item(request, pk)
    try:
        session_domain.remove_item(item=item, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    return redirect("evaluation:session", item.session_id)


@require_POST
def item_withdraw(request, pk: int):
    item = _item(request, pk)
    try:
        session_domain.withdraw_item(
            item=item, by=request.user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    return redirect("evaluation:session", item.session_id)


@require_POST
@once
def conflict_add(request, pk: int):
    session = _session(request, pk)
    member = member_of(request.user, session.council)
    manages = can_manage_session(request.user, session)
    form = ConflictForm(request.POST, session=session, member=None if manages else member)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session_domain.declare_conflict(
                item=data["item"],
                member=data["member"],
                kind=data["kind"],
                note=data["note"],
                recuse=data["recuse"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The conflict of interest is recorded."))
            return redirect("evaluation:session", session.pk)
    # The session page again, with the form as typed and its errors.
    return session_detail(request, session.pk, conflict_form=form, status=400)


@require_POST
def recusal(request, pk: int):
    conflict = get_object_or_404(
        Conflict.objects.filter(item__in=queries.items_visible_to(request.user)), pk=pk
    )
    try:
        session_domain.set_recusal(
            conflict=conflict, recused=request.POST.get("recused") == "1", by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    return redirect("evaluation:session", conflict.item.session_id)


# Items and results -------------------------------------------------------------


def item_detail(request, pk: int):
    item = _item(request, pk)
    user = request.user
    visible = queries.can_see_scores(user, item)
    sheet = sheet_with_tree(item.sheet_id)
    context = {
        "item": item,
        "session": item.session,
        "sheet": sheet,
        "cases": case_choices(sheet, item.branches),
        "can_choose_case": (is_chair(user, item.session) or can_manage_session(user, item.session))
        and item.session.state != SessionState.CLOSED
        and item.status not in (ItemStatus.DECIDED, ItemStatus.WITHDRAWN),
        "visible": visible,
        "chair": is_chair(user, item.session),
        "reason_form": ReasonForm(),
        "rounds": item.round_results.all(),
        "nav_active": "evaluation",
    }
    if visible:
        sheets = list(queries.round_sheets(item))
        submitted = [s for s in sheets if s.status == SheetStatus.SUBMITTED]
        means = queries.criterion_means(item)
        result = item.round_results.filter(round=item.round).first()
        furthest = set()
        if submitted:
            from ocop.criteria import engine  # noqa: PLC0415

            agg = engine.aggregate([s.total for s in submitted])
            furthest = {submitted[i].pk for i in agg.furthest} if len(submitted) > 1 else set()
        context.update(
            {
                "sheets": sheets,
                "furthest": furthest,
                "result": result,
                "criterion_rows": [(c, means.get(c.pk)) for c in sheet.criteria.all()],
            }
        )
    else:
        context["progress"] = queries.progress(item.session).get(item.pk)
    return render(request, "evaluation/item_detail.html", context)


@require_POST
def item_cases(request, pk: int):
    """The chair or the office chooses which case of the sheet applies."""
    item = _item(request, pk)
    chosen = {k[5:]: v for k, v in request.POST.items() if k.startswith("case-")}
    try:
        scoring.choose_branches(item=item, by=request.user, branches=chosen)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("The case is recorded."))
    return redirect("evaluation:item", item.pk)


@require_POST
def new_round(request, pk: int):
    item = _item(request, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Record what the council discussed before re-scoring."))
        scoring.start_new_round(item=item, by=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("A new scoring round has started."))
    return redirect("evaluation:item", item.pk)


def document_download(request, pk: int, doc: int):
    """Evidence of the item's subject or product, for those who evaluate it."""
    item = _item(request, pk)
    document = get_object_or_404(item.product.subject.documents.exclude(file=""), pk=doc)
    return file_response(
        document.file, filename=document.original_name or document.file.name.rsplit("/", 1)[-1]
    )


# Scoring -----------------------------------------------------------------------


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
            "documents": documents,
            "evidence_blocks": blocks,
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
            {"scoresheet": sheet, "parts": spec.parts, "error": error},
        )
    if error is None:
        messages.success(request, _("Saved."))
    return redirect("evaluation:scoresheet", sheet.pk)


@require_POST
def submit(request, pk: int):
    sheet = _my_sheet(request, pk)
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


# Documents ---------------------------------------------------------------------


def _document_session(request, pk: int):
    """A session the user can see, once scoring has started (404 otherwise)."""
    return get_object_or_404(
        queries.sessions_visible_to(request.user).exclude(state=SessionState.PLANNED), pk=pk
    )


def minutes_pdf(request, pk: int):
    session = _document_session(request, pk)
    return bytes_response(
        render_minutes(session=session),
        filename=f"bien-ban-phien-{session.pk}.pdf",
        content_type=PDF,
    )


def results_xlsx(request, pk: int):
    session = _document_session(request, pk)
    return bytes_response(
        results_workbook(session=session),
        filename=f"ket-qua-phien-{session.pk}.xlsx",
        content_type=XLSX,
    )


def scoresheet_pdf(request, pk: int):
    # The same rule as the scoring page: the member always, others only a
    # submitted sheet whose scores they may see.
    scoresheet = _my_sheet(request, pk)
    return bytes_response(
        render_scoresheet(scoresheet=scoresheet),
        filename=f"phieu-danh-gia-{scoresheet.pk}.pdf",
        content_type=PDF,
    )
