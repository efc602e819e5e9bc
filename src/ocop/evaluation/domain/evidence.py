"""Evidence shown beside a criterion whose sheet says it can be pre-filled
from the dossier (``Criterion.prefill``). Keys:

* ``subject.<field>`` — a field of the subject (e.g. ``subject.legal_form``);
* ``product.<field>`` — a field of the product;
* ``document.<type>`` — the subject's evidence documents of that type
  (``ocop.producers.enums.DocumentType``), with their validity.

The evidence is shown, never chosen for the member: blind scoring means each
member judges the option themselves. Evidence held by apps above evaluation
(the evaluation dossier of ``cycles``) comes through ``ocop.evaluation.hooks``.
"""

from datetime import date

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
