"""Thin views over ``ocop.evaluation.domain``: councils, sessions, scoring."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.core.domain.activity import history_for
from ocop.core.downloads import file_response
from ocop.core.search import search
from ocop.criteria.domain.queries import case_choices, compiled_sheet, sheet_with_tree
from ocop.products.models import Product

from .domain import councils as council_domain
from .domain import queries, scoring
from .domain import sessions as session_domain
from .domain.evidence import dossier_answer_lines, evidence_for
from .enums import Body, ItemStatus, SessionState, SheetStatus
from .forms import CloseForm, ConflictForm, CouncilForm, MemberForm, ReasonForm, SessionForm
from .models import Conflict, CouncilMember, Scoresheet
from .rules import can_create_council, can_manage_council, can_manage_session, is_chair, member_of


def _errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


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


def council_detail(request, pk: int):
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
            "member_form": MemberForm() if manages else None,
            "history": history_for(council)[:30],
            "nav_active": "evaluation",
        },
    )


@require_POST
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
            _errors(request, error)
        else:
            messages.success(request, _("Member added."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect("evaluation:council", council.pk)


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


def session_create(request, pk: int):
    council = get_object_or_404(queries.councils_visible_to(request.user), pk=pk)
    if not can_manage_council(request.user, council):
        raise PermissionDenied
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = session_domain.create_session(
                council=council, by=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
        else:
            messages.success(request, _("The session is planned. Add the products to evaluate."))
            return redirect("evaluation:session", session.pk)
    return render(
        request,
        "evaluation/form.html",
        {"form": form, "title": _("Plan a session"), "nav_active": "evaluation"},
    )


def _session(request, pk: int):
    return get_object_or_404(queries.sessions_visible_to(request.user), pk=pk)


def session_detail(request, pk: int):
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
            "conflict_form": ConflictForm(session=session)
            if manages
            else (ConflictForm(session=session, member=member) if member else None),
            "close_form": CloseForm(initial={"note": session.note}),
            "query": query,
            "candidates": candidates,
            "can_open": session_domain.can_open(user, session),
            "can_close": session_domain.can_close(user, session),
            "history": history_for(session)[:50],
            "nav_active": "evaluation",
        },
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
    new_state = request.POST.get("state", "")
    if new_state not in SessionState.values:
        raise Http404
    try:
        session_domain.set_session_state(
            session=session, new_state=new_state, by=request.user, note=request.POST.get("note", "")
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Scoring is open.")
            if new_state == SessionState.OPEN
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
def item_add(request, pk: int):
    session = _session(request, pk)
    product = get_object_or_404(Product, pk=request.POST.get("product"))
    try:
        session_domain.add_item(session=session, product=product, by=request.user)
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
            _errors(request, error)
        else:
            messages.success(request, _("The conflict of interest is recorded."))
    else:
        messages.error(request, _("Choose the product, the member and the relation."))
    return redirect("evaluation:session", session.pk)


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
    sheet = get_object_or_404(
        Scoresheet.objects.select_related(
            "item__session__council", "item__product__subject__commune", "member__user"
        ),
        pk=pk,
    )
    if sheet.member.user_id != request.user.pk and not _may_read(request.user, sheet):
        raise Http404
    return sheet


def _may_read(user, sheet) -> bool:
    """Others read a submitted sheet only where its scores are visible to them."""
    return (
        sheet.status == SheetStatus.SUBMITTED
        and queries.items_visible_to(user).filter(pk=sheet.item_id).exists()
        and queries.can_see_scores(user, sheet.item)
    )


def scoresheet(request, pk: int):
    sheet = _my_sheet(request, pk)
    item = sheet.item
    tree = sheet_with_tree(item.sheet_id)
    answers = {a.criterion_id: a for a in sheet.answers.all()}
    editable = (
        sheet.member.user_id == request.user.pk
        and sheet.status == SheetStatus.DRAFT
        and item.session.state == SessionState.OPEN
        and item.status == ItemStatus.SCORING
        and sheet.round == item.round
    )
    documents = list(
        item.product.subject.documents.filter(
            Q(product__isnull=True) | Q(product=item.product)
        ).order_by("doc_type")
    )
    today = timezone.localdate()
    # The evaluation dossier the product came with, if any (cycles.Dossier.agenda_item).
    dossier = getattr(item, "dossier", None)
    self_assessment_total = (
        dossier.answers.filter(by="self").aggregate(total=Sum("points"))["total"] or 0
        if dossier is not None
        else None
    )

    dossier_answers = dossier_answer_lines(dossier, tree) if dossier is not None else {}

    def evidence(criterion):
        lines = list(dossier_answers.get(criterion.pk, []))
        if criterion.prefill:
            lines += evidence_for(
                key=criterion.prefill, product=item.product, documents=documents, today=today
            )
        return lines

    return render(
        request,
        "evaluation/scoresheet.html",
        {
            "scoresheet": sheet,
            "item": item,
            "product": item.product,
            "tree": tree,
            "rows": _rows(tree, answers, evidence, item.branches),
            "parts": tree.parts.all(),
            "editable": editable,
            "documents": documents,
            "dossier": dossier,
            "self_assessment_total": self_assessment_total,
            "nav_active": "evaluation",
        },
    )


def _rows(tree, answers, evidence=lambda criterion: [], branches=None):
    """The sheet in reading order: part, section and criterion rows; of a
    section with alternative cases, only the chosen case (``branches``)."""
    rows = []
    branches = branches or {}
    sections_by_part = {}
    for section in tree.sections.all():
        sections_by_part.setdefault(section.part_id, []).append(section)
    criteria_by_section = {}
    for criterion in tree.criteria.all():
        criteria_by_section.setdefault((criterion.part_id, criterion.section_id), []).append(
            criterion
        )

    def emit_section(section, depth):
        if section.is_branch:
            parent = next(s for s in tree.sections.all() if s.pk == section.parent_id)
            if branches.get(parent.code) != section.code:
                return
        rows.append({"kind": "section", "obj": section, "depth": depth})
        cases = [s for s in tree.sections.all() if s.parent_id == section.pk and s.is_branch]
        if cases and branches.get(section.code) not in {s.code for s in cases}:
            rows.append({"kind": "nocase", "obj": section})
        for criterion in criteria_by_section.get((section.part_id, section.pk), []):
            rows.append(_criterion_row(criterion, answers, evidence))
        for child in [
            s for s in sections_by_part.get(section.part_id, []) if s.parent_id == section.pk
        ]:
            emit_section(child, depth + 1)

    for part in tree.parts.all():
        rows.append({"kind": "part", "obj": part})
        for criterion in criteria_by_section.get((part.pk, None), []):
            rows.append(_criterion_row(criterion, answers, evidence))
        for section in sections_by_part.get(part.pk, []):
            if section.parent_id is None:
                emit_section(section, 1)
    return rows


def _criterion_row(criterion, answers, evidence):
    answer = answers.get(criterion.pk)
    return {
        "evidence": evidence(criterion),
        "kind": "criterion",
        "obj": criterion,
        "chosen": set(answer.options) if answer else set(),
        "value": answer.value if answer else None,
        "points": answer.points if answer else None,
        "options": list(criterion.options.all()),
    }


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
