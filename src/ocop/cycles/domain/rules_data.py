"""The required-document checklist as data (``cycles/data/required_documents.yaml``)."""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.cycles.models import RequiredDocument
from ocop.producers.enums import DocumentType

DATA = Path(__file__).resolve().parent.parent / "data" / "required_documents.yaml"
FIELDS = (
    "doc_type",
    "group_prefix",
    "except_prefix",
    "mandatory",
    "blocks_if_expired",
    "label",
    "legal_basis",
)


@transaction.atomic
def load_required_documents(path: Path = DATA) -> dict:
    """Upsert the checklist (idempotent); entries no longer listed are removed."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != "ocop-required-documents/1":
        raise ValidationError(_("%(name)s is not a required-documents file.") % {"name": path})
    counts = {"created": 0, "updated": 0, "deleted": 0}
    codes = []
    for order, row in enumerate(data.get("documents") or []):
        if row.get("doc_type") not in DocumentType.values:
            raise ValidationError(
                _("Entry %(code)s names an unknown document type “%(type)s”.")
                % {"code": row.get("code"), "type": row.get("doc_type")}
            )
        values = {
            "doc_type": row["doc_type"],
            "group_prefix": row.get("group_prefix", ""),
            "except_prefix": row.get("except_prefix", ""),
            "mandatory": bool(row.get("mandatory", True)),
            "blocks_if_expired": bool(row.get("blocks_if_expired", False)),
            "label": row["label"],
            "legal_basis": row.get("legal_basis", ""),
            "order": order,
        }
        codes.append(row["code"])
        current = RequiredDocument.objects.filter(code=row["code"]).first()
        if current is None:
            RequiredDocument.objects.create(code=row["code"], **values)
            counts["created"] += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            current.save()
            counts["updated"] += 1
    stale = RequiredDocument.objects.exclude(code__in=codes)
    counts["deleted"] = stale.count()
    stale.delete()
    return counts
