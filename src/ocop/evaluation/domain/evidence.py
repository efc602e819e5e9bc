"""Evidence shown beside a criterion whose sheet says it can be pre-filled
from the dossier (``Criterion.prefill``). Keys:

* ``subject.<field>`` — a field of the subject (e.g. ``subject.legal_form``);
* ``product.<field>`` — a field of the product;
* ``document.<type>`` — the subject's evidence documents of that type
  (``ocop.producers.enums.DocumentType``), with their validity.

The evidence is shown, never chosen for the member: blind scoring means each
member judges the option themselves. Until the evaluation dossier exists
(issue "Annual OCOP cycle and dossiers") the registry is the evidence.
"""

from datetime import date

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ocop.producers.enums import DocumentType


def evidence_for(*, key: str, product, documents, today: date) -> list[str]:
    """Short lines describing what the registry holds for a prefill key."""
    source, _dot, name = key.partition(".")
    if source in ("subject", "product") and name:
        obj = product.subject if source == "subject" else product
        if not hasattr(obj, name) or name.startswith("_"):
            return []
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(obj, name)
        if value in (None, ""):
            return [_("Not recorded in the registry.")]
        return [_("Registry: %(value)s") % {"value": value}]
    if source == "document" and name in DocumentType.values:
        lines = []
        for document in documents:
            if document.doc_type != name:
                continue
            validity = document.validity(today)
            lines.append(
                _("%(type)s %(number)s — %(validity)s")
                % {
                    "type": document.get_doc_type_display(),
                    "number": document.number,
                    "validity": validity.label if hasattr(validity, "label") else validity,
                }
            )
        return lines or [
            _("No %(type)s in the registry.") % {"type": DocumentType(name).label.lower()}
        ]
    return []


def dossier_answer_lines(dossier, tree) -> dict[int, list[str]]:
    """Per criterion id: the producer's self-assessment and, for the local
    criteria, the commune's assessment from the product's evaluation dossier
    (read through the reverse relation, so evaluation does not import cycles)."""
    options = {c.pk: {o.code: o.text for o in c.options.all()} for c in tree.criteria.all()}
    labels = {"self": _("Self-assessment"), "commune": _("Commune")}
    lines: dict[int, list[str]] = {}
    for answer in dossier.answers.order_by("by"):
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
