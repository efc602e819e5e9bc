"""Thin views over ``ocop.evaluation.domain``: councils, sessions, scoring."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ocop.core import confirm
from ocop.core.domain.activity import history_for
from ocop.core.downloads import bytes_response, file_response
from ocop.core.idempotency import once
from ocop.core.search import search
from ocop.criteria.domain.queries import case_choices, compiled_sheet, sheet_with_tree
from ocop.products.models import Product

from .domain import councils as council_domain
from .domain import queries, scoring
from .domain import sessions as session_domain
from .domain.documents import render_minutes, render_scoresheet, results_workbook
from .enums import Body, ItemStatus, SessionState, SheetStatus
from .forms import CloseForm, ConflictForm, CouncilForm, MemberForm, ReasonForm
from .models import Conflict, CouncilMember, Scoresheet
from .rules import (
    can_create_council,
    can_manage_council,
    can_manage_session,
    can_run_what_if,
    is_chair,
    member_of,
)
from .views_scoring import _my_sheet

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
    waiting = request.GET.get("waiting") == "1"
    if waiting:
        # The dashboard's "sheets to score" opens this list.
        sheets = queries.waiting_scoresheets(user)
    else:
        sheets = queries.scoresheets_of(user).filter(
            item__session__state=SessionState.OPEN, round=F("item__round")
        )
    my_sheets = list(sheets[:200])
    return render(
        request,
        "evaluation/home.html",
        {
            "councils": queries.councils_visible_to(user)[:100],
            "sessions": queries.sessions_visible_to(user)[:50],
            "my_sheets": my_sheets,
            "waiting": waiting,
            "waiting_count": len(my_sheets),
            "can_create": can_create_council(user),
            "can_what_if": can_run_what_if(user),
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
    if action == "open" and not confirm.confirmed(request):
        return _confirm_open(request, session)
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


def _confirm_open(request, session):
    """What opening scoring does, before it is done."""
    items = list(queries.agenda(session))
    q = queries.quorum(session)
    summary = [
        _("Session: %(title)s, %(date)s.")
        % {"title": session.title, "date": date_format(session.date, "SHORT_DATE_FORMAT")},
        ngettext(
            "%(n)s product is scored: %(products)s.",
            "%(n)s products are scored: %(products)s.",
            len(items),
        )
        % {"n": len(items), "products": "; ".join(i.product.name for i in items) or "—"},
        _("%(present)s of %(members)s council members present (%(needed)s needed).") % q,
        _(
            "Each member present gets a scoring sheet for each product (except the products "
            "they are recused from); the agenda and the attendance can no longer change."
        ),
    ]
    today = timezone.localdate()
    if session.date != today:
        summary.append(
            _("The meeting date is recorded as today, %(today)s, instead of %(planned)s.")
            % {
                "today": date_format(today, "SHORT_DATE_FORMAT"),
                "planned": date_format(session.date, "SHORT_DATE_FORMAT"),
            }
        )
    return confirm.ask(
        request,
        title=_("Open scoring?"),
        summary=summary,
        button=_("Yes, open scoring"),
        back=reverse("evaluation:session", args=[session.pk]),
        warning=_("Once scoring is open, the agenda and the attendance are fixed."),
        danger=False,
    )


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
        allowed = item.session.council.max_criterion_spread
        counted = scoring.counted_codes(compiled_sheet(item.sheet_id).spec, item)
        disagreement = queries.criterion_disagreement(
            item,
            sheets,
            [c for c in sheet.criteria.all() if c.code in counted],
            allowed=allowed,
        )
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
                "submitted": submitted,
                "disagreement": disagreement,
                "over_count": sum(1 for row in disagreement if row["over"]),
                "allowed_spread": allowed,
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
@once
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
