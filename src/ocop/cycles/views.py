"""Thin views over ``ocop.cycles.domain``: the dossier list and its pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ocop.accounts.rules import has_role
from ocop.core.domain.activity import history_for
from ocop.core.idempotency import once
from ocop.criteria import engine
from ocop.criteria.domain.queries import (
    answers_by_code,
    case_choices,
    compiled_sheet,
    sheet_with_tree,
)
from ocop.criteria.stars import mandatory_levels
from ocop.evaluation.enums import SessionState
from ocop.evaluation.models import Session
from ocop.geo.models import AdminUnit
from ocop.producers.domain.documents import add_document
from ocop.producers.domain.queries import documents_visible_to
from ocop.products.domain.queries import products_visible_to

from . import rules
from .domain import checks, queries, versions, workflow
from .domain import dossiers as dossier_domain
from .enums import DossierKind, DossierState
from .forms import (
    ActionForm,
    CommuneCheckForm,
    DossierCreateForm,
    DossierDocumentForm,
    DossierFilterForm,
    DossierForm,
    ScheduleForm,
)
from .models import Dossier, DossierAnswer

STATUS_LABELS = {
    "ok": gettext_lazy("valid"),
    "missing": gettext_lazy("missing"),
    "expired": gettext_lazy("expired"),
    "expiring": gettext_lazy("expires soon"),
}
STATUS_CSS = {
    "ok": "text-bg-success",
    "missing": "text-bg-secondary",
    "expired": "text-bg-danger",
    "expiring": "text-bg-warning",
}
RETURN_ACTIONS = ("return", "province_return")
FORWARD_ACTIONS = ("forward", "forward_district")
COMMUNE_FIELDS = (
    "samples_received_on",
    "samples_received_by",
    "samples_quantity",
    "site_visit_on",
    "commune_report",
)


def _errors(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("You are not allowed to do this."))


def _dossier(request, pk: int) -> Dossier:
    return get_object_or_404(
        queries.dossiers_visible_to(request.user).select_related(
            "sheet", "round", "parent", "agenda_item__session", "product__category"
        ),
        pk=pk,
    )


# The list and a new dossier ------------------------------------------------------


def _preparable_products(user):
    """Products this user may prepare a dossier for (the producer side)."""
    if not has_role(user, *rules.PRODUCER_ROLES, *rules.COMMUNE_ROLES):
        return []
    return [p for p in products_visible_to(user).order_by("name") if rules.producer_side(user, p)]


def dossier_list(request):
    visible = queries.dossiers_visible_to(request.user)
    communes = AdminUnit.objects.filter(pk__in=visible.values("commune_id")).order_by("name")
    form = DossierFilterForm(request.GET or None, communes=communes)
    filters = form.cleaned_data if form.is_valid() else {}
    dossiers = queries.filter_dossiers(visible, filters=filters)
    page = Paginator(dossiers.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cycles/dossier_list.html",
        {
            "page": page,
            "form": form,
            "can_prepare": bool(_preparable_products(request.user)),
            "nav_active": "dossiers",
        },
    )


@once
def dossier_create(request):
    products = _preparable_products(request.user)
    if not products:
        raise PermissionDenied(_("You cannot prepare a dossier for any product."))
    product_qs = products_visible_to(request.user).filter(pk__in=[p.pk for p in products])
    initial = {"product": request.GET.get("product")} if request.GET.get("product") else None
    form = DossierCreateForm(
        request.POST or None,
        initial=initial,
        products=product_qs,
        cycles=queries.cycles_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dossier = dossier_domain.create_dossier(
                product=data["product"], by=request.user, cycle=data["cycle"], round=data["round"]
            )
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
        else:
            messages.success(request, _("The dossier is prepared from the registry."))
            return redirect("cycles:dossier", dossier.pk)
    return render(request, "cycles/dossier_create.html", {"form": form, "nav_active": "dossiers"})


# The dossier page ----------------------------------------------------------------


def _answers_by_code(dossier: Dossier, by_kind: str):
    compiled = compiled_sheet(dossier.sheet_id)
    return compiled, answers_by_code(dossier.answers.filter(by=by_kind), dossier.sheet_id)


def _score(dossier: Dossier, by_kind: str = DossierAnswer.SELF) -> dict | None:
    """Running totals of the self-assessment (or the commune's answers)."""
    if dossier.sheet_id is None:
        return None
    compiled, answers = _answers_by_code(dossier, by_kind)
    branches = dossier.branches if by_kind == DossierAnswer.SELF else None
    score = engine.score_sheet(compiled.spec, answers, branches)
    criteria = (
        engine.counted_criteria(compiled.spec, branches)
        if by_kind == DossierAnswer.SELF
        else compiled.spec.criteria
    )
    return {
        "gap": (
            queries.self_assessment_gap(dossier, answers=answers)
            if by_kind == DossierAnswer.SELF
            else None
        ),
        "total": score.total,
        "parts": [(p, score.parts.get(p.code, 0)) for p in compiled.spec.parts],
        "answered": sum(1 for c in criteria if engine.is_answered(c, answers.get(c.code))),
        "count": len(criteria),
    }


def _criteria_rows(dossier: Dossier, by_kind: str, *, commune_only: bool = False) -> list[dict]:
    """The sheet in reading order: part, section and criterion rows with answers."""
    tree = sheet_with_tree(dossier.sheet_id)
    mandatory = mandatory_levels(compiled_sheet(dossier.sheet_id).spec)
    answers = {a.criterion_id: a for a in dossier.answers.filter(by=by_kind)}
    counted = (
        {
            c.code
            for c in engine.counted_criteria(
                compiled_sheet(dossier.sheet_id).spec, dossier.branches
            )
        }
        if by_kind == DossierAnswer.SELF and not commune_only
        else None
    )
    parts = {p.pk: p for p in tree.parts.all()}
    sections = {s.pk: s for s in tree.sections.all()}
    rows, last_part, last_section = [], None, None
    for criterion in tree.criteria.all():
        if commune_only and not criterion.commune_assessed:
            continue
        if counted is not None and criterion.code not in counted:
            continue  # a case the producer has not chosen
        if criterion.part_id != last_part:
            rows.append({"kind": "part", "obj": parts[criterion.part_id]})
            last_part, last_section = criterion.part_id, None
        if criterion.section_id and criterion.section_id != last_section:
            rows.append({"kind": "section", "obj": sections[criterion.section_id]})
            last_section = criterion.section_id
        answer = answers.get(criterion.pk)
        rows.append(
            {
                "kind": "criterion",
                "obj": criterion,
                "chosen": set(answer.options) if answer else set(),
                "value": answer.value if answer else None,
                "points": answer.points if answer else None,
                "options": list(criterion.options.all()),
                "mandatory": mandatory.get(criterion.code, ()),
            }
        )
    return rows


def _editable(user, dossier: Dossier) -> bool:
    return dossier.state in workflow.EDITABLE_STATES and rules.producer_side(user, dossier)


def _commune_step(user, dossier: Dossier) -> bool:
    return dossier.state == DossierState.SUBMITTED and rules.commune_side(user, dossier)


def _commune_form(dossier: Dossier, data=None) -> CommuneCheckForm:
    initial = {name: getattr(dossier, name) for name in COMMUNE_FIELDS}
    if not initial["samples_quantity"]:
        initial["samples_quantity"] = 5
    return CommuneCheckForm(data, initial=initial, tourism=checks.is_tourism(dossier))


def _planned_sessions(dossier: Dossier):
    """Planned sessions of the province's councils, or of the central council
    for a dossier proposed to the centre."""
    sessions = Session.objects.filter(state=SessionState.PLANNED)
    if dossier.state == DossierState.PROPOSED:
        sessions = sessions.filter(council__level="central")
    else:
        sessions = sessions.filter(council__unit=dossier.province_id)
    return sessions.select_related("council").order_by("date")


def _render_detail(request, dossier, *, registration=None, commune=None, posted=None, status=200):
    user = request.user
    today = timezone.localdate()
    editable = _editable(user, dossier)
    commune_step = _commune_step(user, dossier)
    checklist = [
        {
            "row": row,
            "label": STATUS_LABELS[row.status],
            "css": STATUS_CSS[row.status],
        }
        for row in checks.checklist(dossier, today=today)
    ]
    links = list(dossier.documents.select_related("evidence"))
    linked_ids = {link.evidence_id for link in links}
    linkable = []
    if editable:
        linkable = [
            (d, d.validity(today))
            for d in documents_visible_to(user)
            .filter(subject=dossier.subject)
            .filter(Q(product__isnull=True) | Q(product=dossier.product_id))
            .exclude(pk__in=linked_ids)
            .order_by("doc_type", "-issued_on")
        ]
    actions = workflow.available(dossier, user)
    inline = set()
    if editable:
        inline.add("submit")
    if commune_step:
        inline.update(FORWARD_ACTIONS)
    sessions = None
    if dossier_domain.can_schedule(user, dossier):
        sessions = ScheduleForm(sessions=_planned_sessions(dossier))
    return render(
        request,
        "cycles/dossier_detail.html",
        {
            "dossier": dossier,
            "form": registration or DossierForm(instance=dossier, editable=editable),
            "editable": editable,
            "checklist": checklist,
            "linked": [(link.evidence, link.evidence.validity(today)) for link in links],
            "linkable": linkable,
            "score": _score(dossier),
            "commune_step": commune_step,
            "commune_form": commune or (_commune_form(dossier) if commune_step else None),
            "commune_rows": (
                _criteria_rows(dossier, DossierAnswer.COMMUNE, commune_only=True)
                if commune_step and dossier.sheet_id
                else []
            ),
            "actions": actions,
            "inline_actions": [t for t in actions if t.action in inline],
            "other_actions": [t for t in actions if t.action not in inline],
            "return_actions": RETURN_ACTIONS,
            "posted": posted or {},
            "can_copy": dossier.state in (DossierState.EVALUATED, DossierState.PROPOSED)
            and rules.producer_side(user, dossier),
            "schedule_form": sessions,
            "versions": dossier.versions.all(),
            "history": history_for(dossier)[:50],
            "nav_active": "dossiers",
        },
        status=status,
    )


def dossier_detail(request, pk: int):
    dossier = _dossier(request, pk)
    if request.method == "POST":
        form = DossierForm(request.POST, instance=_dossier(request, pk))
        if form.is_valid():
            try:
                dossier_domain.update_dossier(dossier=dossier, by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                _errors(request, error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("cycles:dossier", dossier.pk)
        return _render_detail(request, dossier, registration=form)
    return _render_detail(request, dossier)


@require_POST
def dossier_act(request, pk: int):
    """Take one workflow action; on refusal the page comes back with what was typed."""
    dossier = _dossier(request, pk)
    form = ActionForm(request.POST)
    posted = {
        "action": request.POST.get("action", ""),
        "reason": request.POST.get("reason", ""),
        "missing": request.POST.get("missing", ""),
    }
    registration = commune = None
    try:
        if not form.is_valid():
            text_errors = [e for name in ("reason", "missing") for e in form.errors.get(name, [])]
            raise ValidationError(text_errors or _("Choose an action."))
        action = form.cleaned_data["action"]
        if action == "submit" and any(name in request.POST for name in DossierForm.Meta.fields):
            registration = DossierForm(request.POST, instance=_dossier(request, pk))
            if not registration.is_valid():
                raise ValidationError(_("Correct the registration form first."))
            dossier_domain.update_dossier(
                dossier=dossier, by=request.user, **registration.cleaned_data
            )
        if action in FORWARD_ACTIONS and "commune_report" in request.POST:
            commune = _commune_form(dossier, request.POST)
            if not commune.is_valid():
                raise ValidationError(_("Correct the commune's check first."))
            _record_commune_check(request, dossier, commune)
        dossier = workflow.set_dossier_state(
            dossier=dossier,
            action=action,
            by=request.user,
            reason=form.cleaned_data["reason"],
            missing=form.missing_items(),
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return _render_detail(
            request,
            _dossier(request, pk),
            registration=registration,
            commune=commune,
            posted=posted,
        )
    messages.success(
        request,
        _("Done: the dossier is now “%(state)s”.") % {"state": dossier.get_state_display()},
    )
    if not queries.dossiers_visible_to(request.user).filter(pk=dossier.pk).exists():
        return redirect("cycles:dossiers")
    return redirect("cycles:dossier", dossier.pk)


# Evidence documents --------------------------------------------------------------


@require_POST
def document_link(request, pk: int):
    dossier = _dossier(request, pk)
    evidence = get_object_or_404(
        documents_visible_to(request.user).filter(subject=dossier.subject),
        pk=request.POST.get("evidence") or 0,
    )
    try:
        dossier_domain.link_document(dossier=dossier, evidence=evidence, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("Document linked to the dossier."))
    return redirect("cycles:dossier", dossier.pk)


@require_POST
def document_unlink(request, pk: int, doc: int):
    dossier = _dossier(request, pk)
    link = get_object_or_404(dossier.documents.select_related("evidence"), evidence_id=doc)
    try:
        dossier_domain.unlink_document(dossier=dossier, evidence=link.evidence, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("Document removed from the dossier."))
    return redirect("cycles:dossier", dossier.pk)


@once
def document_add(request, pk: int):
    """Upload a new evidence document (to the registry) and link it here."""
    dossier = _dossier(request, pk)
    if not _editable(request.user, dossier):
        raise PermissionDenied(_("You cannot change this dossier."))
    form = DossierDocumentForm(request.POST or None, request.FILES or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = add_document(
                by=request.user,
                subject=dossier.subject,
                product=data["product"],
                doc_type=data["doc_type"],
                upload=data["file"],
                number=data["number"],
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
            dossier_domain.link_document(dossier=dossier, evidence=document, by=request.user)
        except ValidationError as error:
            form.add_error("file" if not hasattr(error, "error_dict") else None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Document added and linked to the dossier."))
            return redirect("cycles:dossier", dossier.pk)
    return render(
        request,
        "cycles/dossier_document_form.html",
        {"form": form, "dossier": dossier, "nav_active": "dossiers"},
    )


# Self-assessment and the commune's local criteria ---------------------------------


def self_assessment(request, pk: int):
    dossier = _dossier(request, pk)
    if dossier.sheet_id is None:
        raise Http404
    return render(
        request,
        "cycles/dossier_self_assessment.html",
        {
            "dossier": dossier,
            "rows": _criteria_rows(dossier, DossierAnswer.SELF),
            "score": _score(dossier),
            "editable": _editable(request.user, dossier),
            "cases": case_choices(sheet_with_tree(dossier.sheet_id), dossier.branches),
            "nav_active": "dossiers",
        },
    )


@require_POST
def self_cases(request, pk: int):
    """The producer chooses which case of the sheet applies to the product."""
    dossier = _dossier(request, pk)
    if dossier.sheet_id is None:
        raise Http404
    chosen = {k[5:]: v for k, v in request.POST.items() if k.startswith("case-")}
    try:
        dossier_domain.choose_dossier_branches(dossier=dossier, by=request.user, branches=chosen)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("cycles:self_assessment", dossier.pk)


def _save_answers(request, dossier, save) -> Exception | None:
    """Save the posted criterion (htmx) or every posted criterion (no JS)."""
    spec = compiled_sheet(dossier.sheet_id).spec
    if "criterion" in request.POST:
        criterion = spec.criterion(request.POST["criterion"])
        targets = [(request.POST["criterion"], criterion.kind if criterion else "single")]
    else:
        targets = [(c.code, c.kind) for c in spec.criteria if f"c-{c.code}" in request.POST]
    error = None
    for code, kind in targets:
        field = f"c-{code}"
        try:
            save(
                dossier=dossier,
                by=request.user,
                criterion_code=code,
                options=request.POST.getlist(field) if kind != "number" else (),
                value=request.POST.get(field) if kind == "number" else None,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = exc
            if not request.htmx:
                _errors(request, exc)
    return error


@require_POST
def self_answer(request, pk: int):
    dossier = _dossier(request, pk)
    if dossier.sheet_id is None:
        raise Http404
    error = _save_answers(request, dossier, dossier_domain.save_self_assessment)
    if request.htmx:
        return render(
            request,
            "cycles/dossier_totals.html",
            {"score": _score(dossier), "error": error, "saved_at": timezone.now()},
        )
    if error is None:
        messages.success(request, _("Saved."))
    return redirect("cycles:self_assessment", dossier.pk)


@require_POST
def commune_answer(request, pk: int):
    dossier = _dossier(request, pk)
    if dossier.sheet_id is None:
        raise Http404
    error = _save_answers(request, dossier, dossier_domain.save_commune_assessment)
    if request.htmx:
        return render(
            request,
            "cycles/dossier_saved.html",
            {"error": error, "score": _score(dossier, DossierAnswer.COMMUNE)},
        )
    if error is None:
        messages.success(request, _("Saved."))
    return redirect("cycles:dossier", dossier.pk)


def _record_commune_check(request, dossier, form) -> None:
    data = form.cleaned_data
    dossier_domain.record_commune_check(
        dossier=dossier,
        by=request.user,
        report=data.get("commune_report", ""),
        samples_received_on=data.get("samples_received_on"),
        samples_received_by=data.get("samples_received_by", ""),
        samples_quantity=data.get("samples_quantity"),
        site_visit_on=data.get("site_visit_on"),
    )


@require_POST
def commune_check(request, pk: int):
    dossier = _dossier(request, pk)
    form = _commune_form(dossier, request.POST)
    if form.is_valid():
        try:
            _record_commune_check(request, dossier, form)
        except (ValidationError, PermissionDenied) as error:
            _errors(request, error)
        else:
            messages.success(request, _("The commune's check is saved."))
            return redirect("cycles:dossier", dossier.pk)
    return _render_detail(request, _dossier(request, pk), commune=form)


# Renewal, upgrade and the council session ----------------------------------------


@require_POST
def dossier_copy(request, pk: int):
    dossier = _dossier(request, pk)
    kind = request.POST.get("kind", "")
    try:
        if kind not in (DossierKind.RENEWAL, DossierKind.UPGRADE):
            raise ValidationError(_("A dossier is copied for a renewal or an upgrade."))
        copy = dossier_domain.start_from(previous=dossier, kind=kind, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
        return redirect("cycles:dossier", dossier.pk)
    messages.success(
        request,
        _("A new dossier is started from the last one: supply only what expired or changed."),
    )
    return redirect("cycles:dossier", copy.pk)


@require_POST
def dossier_schedule(request, pk: int):
    dossier = _dossier(request, pk)
    form = ScheduleForm(request.POST, sessions=_planned_sessions(dossier))
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the council session."))
        dossier_domain.schedule(
            dossier=dossier, session=form.cleaned_data["session"], by=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        _errors(request, error)
    else:
        messages.success(request, _("The product is on the council session's agenda."))
    return redirect("cycles:dossier", dossier.pk)


# Versions ------------------------------------------------------------------------


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        if "options" in value:
            shown = ", ".join(value.get("options") or [])
            return shown or (value.get("value") or "—")
        return value.get("number") or value.get("label") or "—"
    return str(value)


def version_diff(request, pk: int, n: int):
    dossier = _dossier(request, pk)
    version = get_object_or_404(dossier.versions.select_related("submitted_by"), number=n)
    previous = dossier.versions.filter(number=n - 1).first()
    old = previous.snapshot if previous else {}
    new = version.snapshot
    change = versions.diff(old, new)
    fields = [
        {
            "name": name,
            "label": capfirst(Dossier._meta.get_field(name).verbose_name),
            "old": _display(values[0]),
            "new": _display(values[1]),
        }
        for name, values in change["fields"].items()
    ]
    texts = {}
    if dossier.sheet_id and change["answers"]:
        texts = dict(
            dossier.sheet.criteria.filter(code__in=change["answers"]).values_list("code", "text")
        )
    old_answers, new_answers = old.get("self_assessment", {}), new.get("self_assessment", {})
    answers = [
        {
            "code": code,
            "text": texts.get(code, ""),
            "old": _display(old_answers.get(code)),
            "new": _display(new_answers.get(code)),
        }
        for code in change["answers"]
    ]
    return render(
        request,
        "cycles/dossier_version.html",
        {
            "dossier": dossier,
            "version": version,
            "previous": previous,
            "change": change,
            "fields": fields,
            "answers": answers,
            "nav_active": "dossiers",
        },
    )
