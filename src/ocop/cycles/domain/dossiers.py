"""Writing a dossier: create, edit, evidence, self-assessment, samples, the
commune's report, renewal/upgrade copies, and putting it on a session."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import changed_fields, log_action
from ocop.criteria import engine
from ocop.criteria.domain.queries import compiled_sheet, recognition_rule, sheets_for_product_set
from ocop.criteria.domain.sheets import with_case_choice
from ocop.criteria.enums import EvaluationLevel
from ocop.cycles import rules
from ocop.cycles.enums import DossierKind, DossierPath, DossierState, LateSubmission
from ocop.cycles.models import Dossier, DossierAnswer, DossierDocument
from ocop.evaluation.domain.scoring import parse_value
from ocop.evaluation.domain.sessions import add_item
from ocop.producers.enums import DocumentValidity

from . import checks, workflow

EDITABLE_FIELDS = (
    "product_name",
    "registration_number",
    "representative",
    "phone",
    "capacity",
    "market",
    "description",
    "story",
)
ACTIVE_STATES = [s for s in DossierState.values if s not in (DossierState.WITHDRAWN,)]


def path_on(day: date) -> str:
    """The process in force on a date, read from the recognition rules (data):
    while a district level recognises stars (Decision 148 before 1489), dossiers
    go through the district; otherwise commune → province → centre."""
    if recognition_rule(level=EvaluationLevel.DISTRICT, on=day) is not None:
        return DossierPath.P148
    return DossierPath.P1489


@transaction.atomic
def create_dossier(
    *, product, by, cycle=None, round=None, kind=DossierKind.FIRST, on=None
) -> Dossier:
    """A new dossier filled in from the registry, with the subject's current
    evidence linked for every required document type."""
    if not rules.producer_side(by, product):
        raise PermissionDenied(_("You cannot prepare a dossier for this product."))
    if product.category_id is None:
        raise ValidationError(_("Choose the product's product set in the registry first."))
    day = on or timezone.localdate()
    open_one = product.dossiers.filter(
        state__in=[
            s for s in ACTIVE_STATES if s not in (DossierState.EVALUATED, DossierState.PROPOSED)
        ]
    ).first()
    if open_one is not None:
        raise ValidationError(
            _("This product already has a dossier in progress (%(state)s).")
            % {"state": open_one.get_state_display()}
        )
    if (
        round is not None
        and checks.after_deadline(Dossier(round=round), today=day)
        and round.cycle.late_submissions == LateSubmission.REFUSE
    ):
        raise ValidationError(checks.deadline_refusal(round))
    subject = product.subject
    dossier = Dossier.objects.create(
        product=product,
        cycle=cycle,
        round=round,
        kind=kind,
        path=path_on(day),
        sheet=sheets_for_product_set(product.category, on=day).first(),
        product_name=product.name,
        registration_number=subject.registration_number or "",
        representative=subject.representative or "",
        phone=subject.phone or "",
        description=product.description,
        story=product.story,
        created_by=by,
    )
    _link_current_evidence(dossier, today=day)
    log_action(
        action="ocop.dossier.created",
        by=by,
        obj=dossier,
        unit=dossier.commune,
        data={"kind": kind, "path": dossier.path},
    )
    return dossier


def _link_current_evidence(dossier: Dossier, *, today) -> None:
    """Link the newest document of each required type (subject-wide or this product's)."""
    wanted = {r.doc_type for r in checks.requirements_for(dossier)}
    newest = {}
    for doc in dossier.subject.documents.filter(doc_type__in=wanted).order_by("-issued_on", "-pk"):
        if doc.product_id not in (None, dossier.product_id):
            continue
        newest.setdefault(doc.doc_type, doc)
    DossierDocument.objects.bulk_create(
        [DossierDocument(dossier=dossier, evidence=doc) for doc in newest.values()],
        ignore_conflicts=True,
    )


def _fresh(dossier: Dossier) -> Dossier:
    """The dossier as stored now, locked for this transaction."""
    return (
        Dossier.objects.select_for_update().select_related("product", "subject").get(pk=dossier.pk)
    )


def _require_editable(dossier: Dossier, by) -> None:
    if not rules.producer_side(by, dossier):
        raise PermissionDenied(_("You cannot change this dossier."))
    if dossier.state not in workflow.EDITABLE_STATES:
        raise ValidationError(
            _(
                "The dossier is “%(state)s”: it can be changed only while being "
                "prepared or when returned for supplements."
            )
            % {"state": dossier.get_state_display()}
        )


@transaction.atomic
def update_dossier(*, dossier: Dossier, by, **fields) -> Dossier:
    dossier = _fresh(dossier)
    _require_editable(dossier, by)
    before = {k: getattr(dossier, k) for k in EDITABLE_FIELDS if k in fields}
    for key, value in fields.items():
        if key in EDITABLE_FIELDS:
            setattr(dossier, key, value)
    dossier.save()
    changes = changed_fields(before, dossier)
    if changes:
        log_action(
            action="ocop.dossier.changed", by=by, obj=dossier, unit=dossier.commune, data=changes
        )
    return dossier


@transaction.atomic
def link_document(*, dossier: Dossier, evidence, by) -> DossierDocument:
    dossier = _fresh(dossier)
    _require_editable(dossier, by)
    if evidence.subject_id != dossier.subject_id or evidence.product_id not in (
        None,
        dossier.product_id,
    ):
        raise ValidationError(_("This document belongs to another subject or product."))
    link, _created = DossierDocument.objects.get_or_create(dossier=dossier, evidence=evidence)
    log_action(
        action="ocop.dossier.document_linked",
        by=by,
        obj=dossier,
        unit=dossier.commune,
        data={"document": str(evidence), "number": evidence.number},
    )
    return link


@transaction.atomic
def unlink_document(*, dossier: Dossier, evidence, by) -> None:
    dossier = _fresh(dossier)
    _require_editable(dossier, by)
    deleted, _rows = DossierDocument.objects.filter(dossier=dossier, evidence=evidence).delete()
    if deleted:
        log_action(
            action="ocop.dossier.document_unlinked",
            by=by,
            obj=dossier,
            unit=dossier.commune,
            data={"document": str(evidence), "number": evidence.number},
        )


def _save_answer(*, dossier, by_kind, criterion_code, options, value, note=""):
    if dossier.sheet_id is None:
        raise ValidationError(_("No criteria sheet is in force for this product set."))
    compiled = compiled_sheet(dossier.sheet_id)
    criterion = compiled.spec.criterion(criterion_code)
    if criterion is None:
        raise ValidationError(
            _("The sheet has no criterion “%(code)s”.") % {"code": criterion_code}
        )
    if by_kind == DossierAnswer.SELF and criterion not in engine.counted_criteria(
        compiled.spec, dossier.branches
    ):
        raise ValidationError(
            _("Criterion %(code)s belongs to a case you have not chosen.")
            % {"code": criterion_code}
        )
    answer = engine.Answer(options=frozenset(o for o in options if o), value=parse_value(value))
    try:
        points = engine.criterion_points(criterion, answer)
    except engine.AnswerError as error:
        raise ValidationError(str(error)) from None
    row, _created = DossierAnswer.objects.update_or_create(
        dossier=dossier,
        by=by_kind,
        criterion_id=compiled.criterion_ids[criterion_code],
        defaults={
            "options": sorted(answer.options),
            "value": answer.value,
            "points": points,
            "note": note,
        },
    )
    return row


@transaction.atomic
def save_self_assessment(*, dossier: Dossier, by, criterion_code: str, options=(), value=None):
    """The producer's self-assessment of one criterion."""
    dossier = _fresh(dossier)
    _require_editable(dossier, by)
    return _save_answer(
        dossier=dossier,
        by_kind=DossierAnswer.SELF,
        criterion_code=criterion_code,
        options=options,
        value=value,
    )


@transaction.atomic
def choose_dossier_branches(*, dossier: Dossier, by, branches: dict) -> Dossier:
    """The producer says which alternative case of the sheet applies to the
    product (section code → case code) for the self-assessment; the council
    makes its own choice when it scores."""
    dossier = _fresh(dossier)
    _require_editable(dossier, by)
    if dossier.sheet_id is None:
        raise ValidationError(_("No criteria sheet is in force for this product set."))
    spec = compiled_sheet(dossier.sheet_id).spec
    chosen = with_case_choice(spec=spec, current=dossier.branches, requested=branches)
    if chosen != dossier.branches:
        previous, dossier.branches = dossier.branches, chosen
        dossier.save(update_fields=["branches"])
        log_action(
            action="ocop.dossier.case_chosen",
            by=by,
            obj=dossier,
            unit=dossier.commune,
            data={"from": previous, "to": chosen},
        )
    return dossier


def _require_commune_step(dossier: Dossier, by) -> None:
    if not rules.commune_side(by, dossier):
        raise PermissionDenied(_("Only the commune checks this dossier."))
    if dossier.state != DossierState.SUBMITTED:
        raise ValidationError(_("The commune records this while the dossier is submitted to it."))


@transaction.atomic
def save_commune_assessment(
    *, dossier: Dossier, by, criterion_code: str, options=(), value=None, note=""
):
    """The commune's assessment of one of the local criteria (Decision 1489)."""
    dossier = _fresh(dossier)
    _require_commune_step(dossier, by)
    if criterion_code not in checks.commune_codes(dossier):
        raise ValidationError(
            _("Criterion %(code)s is not one the commune assesses.") % {"code": criterion_code}
        )
    return _save_answer(
        dossier=dossier,
        by_kind=DossierAnswer.COMMUNE,
        criterion_code=criterion_code,
        options=options,
        value=value,
        note=note,
    )


@transaction.atomic
def record_commune_check(
    *,
    dossier: Dossier,
    by,
    report=None,
    samples_received_on=None,
    samples_received_by="",
    samples_quantity=None,
    site_visit_on=None,
) -> Dossier:
    """The commune's report, and the samples received (or the site visit)."""
    dossier = _fresh(dossier)
    _require_commune_step(dossier, by)
    before = {
        k: getattr(dossier, k)
        for k in (
            "commune_report",
            "samples_received_on",
            "samples_received_by",
            "samples_quantity",
            "site_visit_on",
        )
    }
    if report is not None:
        dossier.commune_report = report
    if samples_received_on is not None:
        dossier.samples_received_on = samples_received_on
        dossier.samples_received_by = samples_received_by
        dossier.samples_quantity = samples_quantity if samples_quantity is not None else 5
    if site_visit_on is not None:
        dossier.site_visit_on = site_visit_on
    dossier.save()
    changes = changed_fields(before, dossier)
    if changes:
        log_action(
            action="ocop.dossier.commune_check",
            by=by,
            obj=dossier,
            unit=dossier.commune,
            data=changes,
        )
    return dossier


@transaction.atomic
def start_from(*, previous: Dossier, kind: str, by) -> Dossier:
    """Renewal or upgrade: a new dossier copied from the last one. Documents
    still valid are carried over; expired ones must be supplied again; the
    self-assessment is copied for the producer to update."""
    if kind not in (DossierKind.RENEWAL, DossierKind.UPGRADE):
        raise ValidationError(_("A dossier is copied for a renewal or an upgrade."))
    if not rules.producer_side(by, previous):
        raise PermissionDenied(_("You cannot prepare a dossier for this product."))
    today = timezone.localdate()
    dossier = create_dossier(
        product=previous.product, by=by, cycle=previous.cycle, kind=kind, on=today
    )
    for name in ("capacity", "market", "description", "story", "representative", "phone"):
        setattr(dossier, name, getattr(previous, name) or getattr(dossier, name))
    dossier.parent = previous
    dossier.save()
    DossierDocument.objects.filter(dossier=dossier).delete()
    carried = [
        DossierDocument(dossier=dossier, evidence=link.evidence, requirement=link.requirement)
        for link in previous.documents.select_related("evidence")
        if link.evidence.validity(today) != DocumentValidity.EXPIRED
    ]
    DossierDocument.objects.bulk_create(carried, ignore_conflicts=True)
    if dossier.sheet_id == previous.sheet_id:
        DossierAnswer.objects.bulk_create(
            [
                DossierAnswer(
                    dossier=dossier,
                    by=DossierAnswer.SELF,
                    criterion_id=a.criterion_id,
                    options=a.options,
                    value=a.value,
                    points=a.points,
                )
                for a in previous.answers.filter(by=DossierAnswer.SELF)
            ]
        )
    log_action(
        action="ocop.dossier.copied",
        by=by,
        obj=dossier,
        unit=dossier.commune,
        data={"from": previous.pk, "kind": kind, "documents_carried": len(carried)},
    )
    return dossier


def can_schedule(user, dossier: Dossier) -> bool:
    """A pre-checked dossier goes on a provincial session (province office);
    one proposed to the centre on a central session (central office)."""
    if dossier.state == DossierState.PRECHECKED:
        return rules.scheduler(user, dossier)
    if dossier.state == DossierState.PROPOSED:
        return rules.central(user, dossier)
    return False


@transaction.atomic
def schedule(*, dossier: Dossier, session, by) -> Dossier:
    """Put the dossier's product on a council session's agenda: a pre-checked
    dossier on its province's council, a proposed one on the central council."""

    dossier = _fresh(dossier)
    central = dossier.state == DossierState.PROPOSED
    if not can_schedule(by, dossier):
        if dossier.state not in (DossierState.PRECHECKED, DossierState.PROPOSED):
            raise ValidationError(
                _(
                    "Only a pre-checked dossier, or one proposed to the centre, "
                    "goes on a council session."
                )
            )
        raise PermissionDenied(_("You cannot put dossiers on council sessions."))
    level = session.council.level
    if central and level != "central":
        raise ValidationError(
            _("A dossier proposed to the centre goes on a central council session.")
        )
    if not central and (level == "central" or session.council.unit_id != dossier.province_id):
        raise ValidationError(_("Choose a session of the province's council."))
    item = add_item(
        session=session, product=dossier.product, by=by, sheet=dossier.sheet, dossier=dossier
    )
    Dossier.objects.filter(pk=dossier.pk).update(agenda_item=item)
    dossier.agenda_item = item
    return workflow.set_dossier_state(
        dossier=dossier, action="schedule_central" if central else "schedule", by=by
    )


def on_result_decided(sender, *, item, **kwargs) -> None:
    """The council decided: the scheduled dossier moves on (signal receiver)."""
    dossier = Dossier.objects.filter(agenda_item=item, state=DossierState.SCHEDULED).first()
    if dossier is not None:
        workflow.set_dossier_state(dossier=dossier, action="evaluated", by=None, system=True)


def on_item_withdrawn(sender, *, item, **kwargs) -> None:
    """The chair withdrew the product from the session (signal receiver): its
    dossier goes back to be put on another session."""
    dossier = Dossier.objects.filter(agenda_item=item, state=DossierState.SCHEDULED).first()
    if dossier is None:
        return
    central = item.session.council.level == "central"
    workflow.set_dossier_state(
        dossier=dossier,
        action="unschedule_central" if central else "unschedule",
        by=None,
        reason=_("Withdrawn from the session “%(session)s”.") % {"session": item.session.title},
        system=True,
    )
    Dossier.objects.filter(pk=dossier.pk).update(agenda_item=None)
