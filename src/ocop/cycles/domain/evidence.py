"""What the evaluation dossier tells the council on the scoring page.

Registered into evaluation's scoring-page hook
(``ocop.evaluation.hooks.register_evidence_provider``) by ``CyclesConfig.ready``:
evaluation sits below cycles and does not know dossiers exist."""

from decimal import Decimal

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.evaluation.hooks import Evidence

from ..models import Dossier, DossierAnswer


def dossier_evidence(item, *, tree) -> Evidence | None:
    """The evaluation dossier the product came to the session with, if any."""
    dossier = Dossier.objects.filter(agenda_item=item).first()
    if dossier is None:
        return None
    answers = list(dossier.answers.order_by("by", "id"))
    self_total = sum((a.points for a in answers if a.by == DossierAnswer.SELF), Decimal(0))
    facts = [(_("Producer's self-assessment"), f"{number_format(self_total, 2)}/100")]
    if dossier.commune_report:
        facts.append((_("Commune evaluation report"), dossier.commune_report))
    return Evidence(
        key="dossier",
        title=_("Evaluation dossier"),
        url=reverse("cycles:dossier", args=[dossier.pk]),
        facts=facts,
        by_criterion=dossier_answer_lines(answers, tree),
    )


def dossier_answer_lines(answers, tree) -> dict[int, list[str]]:
    """Per criterion id: the producer's self-assessment and, for the local
    criteria, the commune's assessment."""
    options = {c.pk: {o.code: o.text for o in c.options.all()} for c in tree.criteria.all()}
    labels = {DossierAnswer.SELF: _("Self-assessment"), DossierAnswer.COMMUNE: _("Commune")}
    lines: dict[int, list[str]] = {}
    for answer in answers:
        if answer.criterion_id not in options:
            continue
        chosen = "; ".join(options[answer.criterion_id].get(code, code) for code in answer.options)
        if answer.value is not None:
            chosen = str(answer.value)
        lines.setdefault(answer.criterion_id, []).append(
            _("%(who)s: %(chosen)s (%(points)s pts)")
            % {
                "who": labels.get(answer.by, answer.by),
                "chosen": chosen or "—",
                "points": number_format(answer.points, 2),
            }
        )
    return lines
