"""Recognition decisions: drafted from a closed council session, edited while a
draft, then issued (which creates the certificates) or discarded.

The decision's one state-transition function is ``set_decision_state`` with
its explicit ``TRANSITIONS`` table. A discarded draft is kept with its log
(state "discarded") rather than deleted: a decision is never silently lost,
and the session's products can be put on a new draft.

The texts that go into the official document (authority, title, "Căn cứ"
lines) are Vietnamese whatever the user's language, like the minutes of the
session; they are proposed from the data and can be edited in the draft.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.core.domain.activity import changed_fields, log_action
from ocop.core.domain.notify import notify
from ocop.core.workflow import Move, Transition, Workflow
from ocop.criteria.domain.queries import in_force, recognition_rule
from ocop.criteria.models import LegalBasis
from ocop.evaluation.enums import SessionState
from ocop.evaluation.models import RECOGNISED, Session
from ocop.geo.enums import Level
from ocop.products.domain.national_code import assign_missing_codes
from ocop.products.enums import OcopStatus
from ocop.products.models import Product

from ..enums import AuthorityLevel, CertificateSource, CertificateStatus, DecisionState
from ..models import Certificate, Decision, DecisionItem
from ..rules import can_draft_from_session, can_manage_decision
from . import awaiting
from .numbering import allocate_numbers
from .rules import NoRuleInForce, rule_on, valid_until_for

# The ministry that recognises 5★ products (Bộ Nông nghiệp và Phát triển nông
# thôn until its merger in 2025). Only the proposed text of a new draft: the
# officer can change it in the draft.
CENTRAL_AUTHORITY = "Bộ Nông nghiệp và Môi trường"
CENTRAL_PLACE = "Hà Nội"

EDITABLE_FIELDS = (
    "number",
    "date",
    "title",
    "authority",
    "legal_basis",
    "signer_name",
    "signer_title",
)


# Texts of the document -------------------------------------------------------


def vi_date(day: date) -> str:
    with translation.override("vi"):
        return date_format(day, "SHORT_DATE_FORMAT")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _province_of(unit):
    """The 2025 province a unit is counted under (itself for a province)."""
    if unit is None:
        return None
    if unit.level == Level.PROVINCE and unit.is_current:
        return unit
    return unit.current_province or unit


def authority_for(*, level: str, unit) -> str:
    """ "Ủy ban nhân dân tỉnh Thanh Hóa" for a province (or a district before
    1 July 2025), the ministry for the centre."""
    if level == AuthorityLevel.CENTRAL or unit is None:
        return CENTRAL_AUTHORITY
    return f"Ủy ban nhân dân {_lower_first(unit.full_name)}"


def place_for(*, level: str, unit) -> str:
    """The locality of the date line (Decree 30/2020)."""
    province = _province_of(unit) if level != AuthorityLevel.CENTRAL else None
    return province.name if province is not None else CENTRAL_PLACE


def legal_bases_on(*, level: str, day: date) -> list[LegalBasis]:
    """The decisions on criteria and process in force on ``day`` (for example
    148/QĐ-TTg and 1489/QĐ-TTg from 6 July 2025), from the ranking rules' data,
    with the basis of the rule by which ``level`` recognises stars."""
    bases = list(LegalBasis.objects.filter(in_force(day)).order_by("effective_from", "code"))
    rule = recognition_rule(level=level, on=day)
    if rule is not None and all(b.pk != rule.legal_basis_id for b in bases):
        bases.append(rule.legal_basis)
    return bases


def legal_basis_text(*, session: Session, level: str) -> str:
    """The "Căn cứ" lines of a decision drafted from ``session``."""
    council = session.council
    lines = [f"Căn cứ {basis.title};" for basis in legal_bases_on(level=level, day=session.date)]
    issuer = f" của {council.decision_issuer}" if council.decision_issuer else ""
    lines.append(
        f"Căn cứ Quyết định số {council.decision_number} ngày {vi_date(council.decision_date)}"
        f"{issuer} về việc thành lập {council.name};"
    )
    lines.append(
        f"Xét kết quả đánh giá, phân hạng sản phẩm OCOP của {council.name} tại phiên họp "
        f"ngày {vi_date(session.date)} ({session.title})."
    )
    return "\n".join(lines)


def title_for(*, level: str, unit, day: date) -> str:
    where = (
        ""
        if level == AuthorityLevel.CENTRAL or unit is None
        else f" {_lower_first(unit.full_name)}"
    )
    return f"Về việc công nhận kết quả đánh giá, phân hạng sản phẩm OCOP{where} năm {day.year}"


def _basis_codes(*, level: str, day: date) -> str:
    return "; ".join(b.code for b in legal_bases_on(level=level, day=day))[:50]


# Drafting ----------------------------------------------------------------------


@transaction.atomic
def draft_from_session(*, session: Session, by) -> Decision:
    """A draft decision with one annex line per product the session's council
    recognised (its star and exact mean score with two decimals)."""
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("council__unit")
        .get(pk=session.pk)
    )
    council = session.council
    if not can_draft_from_session(by, session):
        raise PermissionDenied(_("Only the authority that recognises these stars drafts this."))
    if session.state != SessionState.CLOSED:
        raise ValidationError(
            _("A decision is drafted only from a closed session, once its results are final.")
        )
    if session.decisions.filter(state=DecisionState.DRAFT).exists():
        raise ValidationError(
            _("This session already has a draft decision: edit it, or discard it first.")
        )
    items = list(session.items.filter(RECOGNISED).select_related("product").order_by("order", "id"))
    taken = set(
        DecisionItem.objects.filter(
            agenda_item__in=items, decision__state=DecisionState.ISSUED
        ).values_list("agenda_item_id", flat=True)
    )
    items = [item for item in items if item.pk not in taken]
    if not items:
        raise ValidationError(
            _(
                "No product of this session is left to recognise: none reached a star this "
                "level recognises, or they are already on an issued decision."
            )
        )
    level = AuthorityLevel(council.level)
    unit = council.unit if level != AuthorityLevel.CENTRAL else None
    decision = Decision.objects.create(
        state=DecisionState.DRAFT,
        title=title_for(level=level, unit=unit, day=session.date),
        authority=authority_for(level=level, unit=unit),
        level=level,
        unit=unit,
        legal_basis=legal_basis_text(session=session, level=level),
        session=session,
        created_by=by,
    )
    DecisionItem.objects.bulk_create(
        [
            DecisionItem(
                decision=decision,
                product=item.product,
                agenda_item=item,
                star=item.recognised_star,
                score=item.score_display,
                order=order,
            )
            for order, item in enumerate(items, start=1)
        ]
    )
    awaiting.refresh(session_id=session.pk)
    log_action(
        action="ocop.decision.drafted",
        by=by,
        obj=decision,
        unit=unit,
        data={
            "session": session.pk,
            "products": [
                {
                    "product": str(i.product),
                    "star": i.recognised_star,
                    "score": str(i.score_display),
                }
                for i in items
            ],
        },
    )
    return decision


def _require_draft(decision: Decision, by) -> None:
    if not can_manage_decision(by, decision):
        raise PermissionDenied(_("Only the authority that issues this decision may change it."))
    if decision.state != DecisionState.DRAFT:
        raise ValidationError(_("Only a draft decision can be changed."))


@transaction.atomic
def update_draft(*, decision: Decision, by, **fields) -> Decision:
    """Change the number, date, title, authority, legal basis or signer of a draft."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _require_draft(decision, by)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = {f: getattr(decision, f) for f in fields}
    for field, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(decision, field, value)
    if not decision.title or not decision.authority or not decision.legal_basis:
        raise ValidationError(_("The title, the issuing authority and the legal basis are needed."))
    changes = changed_fields(before, decision)
    if changes:
        decision.save(update_fields=list(changes))
        log_action(
            action="ocop.decision.changed", by=by, obj=decision, unit=decision.unit, data=changes
        )
    return decision


@transaction.atomic
def remove_draft_item(*, item: DecisionItem, by) -> None:
    """Take a product off a draft's annex (it can go on a later decision)."""
    decision = Decision.objects.select_for_update().get(pk=item.decision_id)
    _require_draft(decision, by)
    if decision.items.count() <= 1:
        raise ValidationError(
            _("This is the last product of the draft: discard the draft instead.")
        )
    product = str(item.product)
    item.delete()
    if decision.session_id:  # the product waits for a decision again
        awaiting.refresh(session_id=decision.session_id)
    log_action(
        action="ocop.decision.item_removed",
        by=by,
        obj=decision,
        unit=decision.unit,
        data={"product": product, "star": item.star},
    )


# The decision's state machine --------------------------------------------------


def _issue_problems(decision: Decision, today: date) -> list[str]:
    problems = []
    if not decision.number:
        problems.append(_("Enter the decision number."))
    if decision.date is None:
        problems.append(_("Enter the decision date."))
    elif decision.date > today:
        problems.append(_("The decision date cannot be in the future."))
    elif decision.session_id and decision.date < decision.session.date:
        problems.append(
            _("The decision cannot be dated before the council session (%(date)s).")
            % {"date": date_format(decision.session.date, "SHORT_DATE_FORMAT")}
        )
    if not decision.signer_name or not decision.signer_title:
        problems.append(_("Enter the signer's name and title."))
    return problems


def _issue(move: Move) -> None:
    """Check the draft, then create one certificate per annex line (numbered,
    valid by the certification rule in force on the decision date), supersede
    the products' older certificates and mark the products certified."""
    decision, by, today = move.obj, move.by, move.today
    problems = _issue_problems(decision, today)
    items = list(decision.items.select_related("product__subject", "product__province"))
    if not items:
        problems.append(_("The annex is empty: a decision recognises at least one product."))
    if problems:
        raise ValidationError(problems)
    clash = (
        Decision.objects.filter(
            state=DecisionState.ISSUED,
            level=decision.level,
            unit=decision.unit,
            number=decision.number,
        )
        .exclude(pk=decision.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _(
                "Decision number %(number)s has already been issued by this authority "
                "(dated %(date)s): check the number."
            )
            % {"number": decision.number, "date": date_format(clash.date, "SHORT_DATE_FORMAT")}
        )
    taken = [
        str(i.product)
        for i in DecisionItem.objects.filter(
            agenda_item_id__in=[i.agenda_item_id for i in items if i.agenda_item_id],
            decision__state=DecisionState.ISSUED,
        )
        .exclude(decision=decision)
        .select_related("product")
    ]
    if taken:
        raise ValidationError(
            _("Already recognised by another issued decision: %(products)s.")
            % {"products": "; ".join(taken)}
        )
    recorded = [
        str(c.product)
        for c in Certificate.objects.filter(
            product_id__in=[i.product_id for i in items], decision_number=decision.number
        ).select_related("product")
        if any(i.product_id == c.product_id and i.star == c.star for i in items)
    ]
    if recorded:
        raise ValidationError(
            _("A certificate of decision %(number)s is already recorded for: %(products)s.")
            % {"number": decision.number, "products": "; ".join(recorded)}
        )
    try:
        rule = rule_on(decision.date)
    except NoRuleInForce as error:
        raise ValidationError(str(error)) from error
    decision.rule = rule
    valid_until = valid_until_for(issued_on=decision.date, table=[rule])
    numbers = allocate_numbers(
        level=decision.level, unit=decision.unit, year=decision.date.year, count=len(items)
    )
    born_expired = valid_until < today
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                product=item.product,
                number=number,
                star=item.star,
                score=item.score,
                decision=decision,
                decision_number=decision.number,
                decision_date=decision.date,
                authority_level=decision.level,
                valid_until=valid_until,
                legal_basis=_basis_codes(level=decision.level, day=decision.date),
                source=CertificateSource.DECISION,
                status=CertificateStatus.EXPIRED if born_expired else CertificateStatus.VALID,
                status_changed_at=timezone.now(),
            )
            for item, number in zip(items, numbers, strict=True)
        ]
    )
    for certificate in certificates:
        _settle_product(certificate, by=by, today=today)
    assign_missing_codes(product_ids=[c.product_id for c in certificates])
    decision.issued_by = by
    decision.issued_at = timezone.now()
    move.fields += ["issued_by", "issued_at", "rule"]
    move.memo["certificates"] = certificates
    move.log.update(
        number=decision.number,
        date=decision.date.isoformat(),
        signer=f"{decision.signer_title} {decision.signer_name}".strip(),
        products=[
            {"product": str(i.product), "star": i.star, "score": str(i.score)} for i in items
        ],
    )


def _settle_product(certificate: Certificate, *, by, today: date) -> None:
    """Supersede the product's older certificates (an upgrade or a renewal) and
    make the product show the new one; log and tell its producers."""
    product = certificate.product
    others = list(
        Certificate.objects.filter(
            product=product, status__in=[CertificateStatus.VALID, CertificateStatus.EXPIRED]
        )
        .exclude(pk=certificate.pk)
        .order_by("decision_date", "id")
    )
    newer = [
        c
        for c in others
        if c.decision_date is not None and c.decision_date > certificate.decision_date
    ]
    now = timezone.now()
    if newer:
        # A decision recorded late: a newer certificate already stands.
        certificate.status = CertificateStatus.SUPERSEDED
        certificate.superseded_by = newer[-1]
        certificate.save(update_fields=["status", "superseded_by", "status_changed_at"])
        older = [c for c in others if c not in newer]
        superseding = newer[-1]
    else:
        older = others
        superseding = certificate
    for old in older:
        old.status = CertificateStatus.SUPERSEDED
        old.superseded_by = superseding
        old.status_changed_at = now
        old.save(update_fields=["status", "superseded_by", "status_changed_at"])
        log_action(
            action="ocop.certificate.superseded",
            by=by,
            obj=old,
            unit=product.province,
            data={"by": superseding.number or superseding.decision_number, "star": old.star},
        )
    if not newer:
        product.status = (
            OcopStatus.EXPIRED
            if certificate.status == CertificateStatus.EXPIRED
            else OcopStatus.CERTIFIED
        )
        product.star = certificate.star
        product.certified_until = certificate.valid_until
        Product.objects.filter(pk=product.pk).update(
            status=product.status,
            star=product.star,
            certified_until=product.certified_until,
            updated_at=now,
        )
    log_action(
        action="ocop.certificate.issued",
        by=by,
        obj=certificate,
        unit=product.province,
        data={
            "number": certificate.number,
            "star": certificate.star,
            "score": str(certificate.score) if certificate.score is not None else None,
            "decision": certificate.decision_number,
            "valid_until": certificate.valid_until.isoformat(),
            "superseded": [c.number or c.decision_number for c in older],
        },
    )


def _tell_producers(move: Move) -> None:
    """Tell each product's producers about its new certificate."""
    for certificate in move.memo["certificates"]:
        product = certificate.product
        notify(
            users=producers_of(product.subject_id),
            text=_(
                "“%(product)s” is recognised as a %(star)s★ OCOP product (decision %(decision)s "
                "of %(date)s); certificate %(number)s, valid until %(until)s."
            )
            % {
                "product": product.name,
                "star": certificate.star,
                "decision": certificate.decision_number,
                "date": date_format(certificate.decision_date, "SHORT_DATE_FORMAT"),
                "number": certificate.number,
                "until": date_format(certificate.valid_until, "SHORT_DATE_FORMAT"),
            },
            url=reverse("certification:certificate", args=[certificate.pk]),
        )


def producers_of(subject_id: int) -> list:
    """The producer accounts of a subject (they are told about its certificates)."""
    return [
        a.user
        for a in RoleAssignment.objects.active()
        .filter(subject_id=subject_id, role=Role.PRODUCER)
        .select_related("user")
        .order_by("pk")
    ]


TRANSITIONS = (
    Transition(
        "issue",
        gettext_lazy("Issue the decision"),
        (DecisionState.DRAFT,),
        DecisionState.ISSUED,
        log="ocop.decision.issued",
        may=can_manage_decision,
        step=_issue,
        notify=_tell_producers,
    ),
    Transition(
        "discard",
        gettext_lazy("Discard the draft"),
        (DecisionState.DRAFT,),
        DecisionState.DISCARDED,
        log="ocop.decision.discarded",
        may=can_manage_decision,
    ),
)
WORKFLOW = Workflow(
    model=Decision,
    states=DecisionState,
    transitions=TRANSITIONS,
    unit=lambda decision: decision.unit,
    illegal=gettext_lazy("A decision that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("Only the authority that issues this decision may do this."),
    related=("session", "unit"),
)
available = WORKFLOW.available  # (decision, user) -> the buttons on the decision page


def _count_waiting(move: Move) -> None:
    """Issued or discarded: the session's products waiting for a decision
    are counted again (a discarded draft gives its products back)."""
    if move.obj.session_id:
        awaiting.refresh(session_id=move.obj.session_id)


WORKFLOW.watch(_count_waiting)


def set_decision_state(*, decision: Decision, action: str, by, reason: str = "") -> Decision:
    """Issue or discard a draft, or refuse with a reason; nothing is half-saved.

    Issuing creates one certificate per annex line, supersedes the products'
    older certificates, marks the products certified and logs each
    certificate; once committed, the subjects' producers are told."""
    return WORKFLOW.apply(obj=decision, action=action, by=by, reason=reason)


@transaction.atomic
def record_imported_decision(*, number: str, day: date | None, unit, by) -> Decision:
    """The recognition decision of an imported annex, reused by number and
    issuer (the province) or recorded as issued (no items, no PDF: the
    decision was issued on paper; its certificates come from the list)."""
    found = (
        Decision.objects.filter(
            level=AuthorityLevel.PROVINCE,
            unit=unit,
            state=DecisionState.ISSUED,
            number__iexact=number.strip(),
        )
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    rule = None
    if day is not None:
        try:
            rule = rule_on(day)
        except NoRuleInForce:
            rule = None
    decision = Decision.objects.create(
        state=DecisionState.ISSUED,
        number=number.strip(),
        date=day,
        title=_("Recognition decision %(number)s (annex imported from an Excel list)")
        % {"number": number.strip()},
        authority=authority_for(level=AuthorityLevel.PROVINCE, unit=unit),
        level=AuthorityLevel.PROVINCE,
        unit=unit,
        legal_basis="",
        rule=rule,
        created_by=by,
        issued_by=by,
        issued_at=timezone.now(),
    )
    log_action(
        action="ocop.decision.imported",
        by=by,
        obj=decision,
        unit=unit,
        data={"number": decision.number, "date": day.isoformat() if day else None},
    )
    return decision
