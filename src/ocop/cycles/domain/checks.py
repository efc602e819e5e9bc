"""What a dossier must hold before it moves on, with clear messages."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ocop.criteria import engine
from ocop.criteria.domain.queries import answers_by_code, compiled_sheet
from ocop.criteria.models import Criterion
from ocop.cycles.enums import LateSubmission
from ocop.cycles.models import Dossier, DossierAnswer, RequiredDocument
from ocop.producers.enums import DocumentValidity

TOURISM_PREFIX = "VI"


@dataclass
class ChecklistRow:
    requirement: RequiredDocument
    documents: list = field(default_factory=list)  # linked EvidenceDocuments
    status: str = "missing"  # missing / ok / expired / expiring


def is_tourism(dossier: Dossier) -> bool:
    category = dossier.product.category
    return bool(category and category.code.startswith(TOURISM_PREFIX))


def requirements_for(dossier: Dossier) -> list[RequiredDocument]:
    code = dossier.product.category.code if dossier.product.category_id else ""
    return [r for r in RequiredDocument.objects.all() if r.applies_to(code)]


def checklist(dossier: Dossier, *, today: date) -> list[ChecklistRow]:
    """The required-document checklist with the linked evidence and validity."""
    links = list(dossier.documents.select_related("evidence"))
    rows = []
    for requirement in requirements_for(dossier):
        docs = [link.evidence for link in links if link.evidence.doc_type == requirement.doc_type]
        row = ChecklistRow(requirement=requirement, documents=docs)
        if docs:
            validities = {d.validity(today) for d in docs}
            if validities <= {DocumentValidity.EXPIRED}:
                row.status = "expired"
            elif DocumentValidity.EXPIRING in validities and not (
                validities & {DocumentValidity.VALID, DocumentValidity.NO_EXPIRY}
            ):
                row.status = "expiring"
            else:
                row.status = "ok"
        rows.append(row)
    return rows


def submission_problems(dossier: Dossier, *, today: date) -> list[str]:
    """Everything that stops the producer from submitting, each said plainly."""
    problems = []
    product = dossier.product
    subject = dossier.subject
    if dossier.product_name.strip().casefold() != product.name.strip().casefold():
        problems.append(
            _(
                "The product name on the dossier (“%(dossier)s”) differs from "
                "the registry (“%(registry)s”)."
            )
            % {"dossier": dossier.product_name, "registry": product.name}
        )
    if (dossier.registration_number or "").strip() != (subject.registration_number or "").strip():
        problems.append(
            _(
                "The registration number on the dossier (%(dossier)s) differs "
                "from the subject's (%(registry)s)."
            )
            % {
                "dossier": dossier.registration_number or "—",
                "registry": subject.registration_number or "—",
            }
        )
    for row in checklist(dossier, today=today):
        requirement = row.requirement
        if row.status == "missing" and requirement.mandatory:
            problems.append(_("Missing document: %(label)s.") % {"label": requirement.label})
        elif row.status == "expired" and requirement.blocks_if_expired:
            expired = max(d.expires_on for d in row.documents if d.expires_on)
            problems.append(
                _("%(label)s expired on %(date)s: attach a valid one before submitting.")
                % {"label": requirement.label, "date": date_format(expired, "SHORT_DATE_FORMAT")}
            )
    missing = unanswered(dossier, by=DossierAnswer.SELF)
    if dossier.sheet_id is None:
        problems.append(_("No criteria sheet is in force for this product set."))
    else:
        choose = engine.missing_branch_choices(
            compiled_sheet(dossier.sheet_id).spec, dossier.branches
        )
        if choose:
            problems.append(
                _("Choose which case applies to the product in section(s) %(codes)s.")
                % {"codes": ", ".join(s.code for s in choose)}
            )
        if missing:
            problems.append(
                _("Complete the self-assessment; criteria not answered: %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
    return problems


def after_deadline(dossier: Dossier, *, today: date) -> bool:
    """Is the dossier's round past its submission deadline on ``today``?"""
    return dossier.round_id is not None and today > dossier.round.submission_deadline


def deadline_refusal(round_) -> str:
    return _(
        "The submission deadline of “%(round)s” was %(date)s: this cycle does not accept "
        "late dossiers. Choose an open round or ask the province."
    ) % {
        "round": round_.title,
        "date": date_format(round_.submission_deadline, "SHORT_DATE_FORMAT"),
    }


def open_rounds(rounds, *, today: date):
    """The rounds a dossier can still be submitted to: deadline not passed, or
    the cycle accepts late dossiers (marked)."""
    return rounds.filter(
        Q(submission_deadline__gte=today) | Q(cycle__late_submissions=LateSubmission.MARK)
    )


def forwarding_problems(dossier: Dossier) -> list[str]:
    """What the commune must record before forwarding the dossier."""
    problems = []
    if not dossier.commune_report.strip():
        problems.append(_("Write the commune's evaluation report."))
    missing = unanswered(dossier, by=DossierAnswer.COMMUNE, commune_only=True)
    if missing:
        problems.append(_("Assess the local criteria: %(codes)s.") % {"codes": ", ".join(missing)})
    if is_tourism(dossier):
        if dossier.site_visit_on is None:
            problems.append(_("Record the date of the site visit."))
    elif dossier.samples_received_on is None or dossier.samples_quantity < 5:
        problems.append(_("Record the receipt of the 05 product samples."))
    return problems


def unanswered(dossier: Dossier, *, by: str, commune_only: bool = False) -> list[str]:
    if dossier.sheet_id is None:
        return []
    compiled = compiled_sheet(dossier.sheet_id)
    answers = answers_by_code(dossier.answers.filter(by=by), dossier.sheet_id)
    codes = commune_codes(dossier) if commune_only else None
    criteria = (
        compiled.spec.criteria
        if commune_only
        else engine.counted_criteria(compiled.spec, dossier.branches)
    )
    return [
        c.code
        for c in criteria
        if (codes is None or c.code in codes) and not engine.is_answered(c, answers.get(c.code))
    ]


def commune_codes(dossier: Dossier) -> set[str]:
    """Codes of the criteria the commune assesses (Decision 1489's four)."""
    return set(
        Criterion.objects.filter(sheet_id=dossier.sheet_id, commune_assessed=True).values_list(
            "code", flat=True
        )
    )
