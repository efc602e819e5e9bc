"""Load certification rules and revocation grounds from YAML (idempotent)."""

from pathlib import Path

import yaml
from django.db import transaction

from ..models import CertificationRule, RevocationGround

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "rules.yaml"
FORMAT = "ocop-certification-rules/1"
RULE_FIELDS = (
    "legal_basis",
    "effective_from",
    "effective_to",
    "validity_months",
    "expiring_days",
    "notice_days",
    "source",
    "unconfirmed",
    "unconfirmed_en",
)
TEXT_FIELDS = ("source", "unconfirmed", "unconfirmed_en")
GROUND_FIELDS = ("title", "title_en", "legal_basis", "source", "unconfirmed", "unconfirmed_en")


class RulesFileError(ValueError):
    pass


@transaction.atomic
def load_rules(*, path: Path = SHIPPED) -> dict[str, int]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RulesFileError(f"{path}: expected “format: {FORMAT}”")
    counts = {"rules": 0, "grounds": 0}
    for entry in data.get("rules", []):
        missing = [
            f
            for f in (
                "code",
                "legal_basis",
                "effective_from",
                "validity_months",
                "expiring_days",
                "notice_days",
            )
            if entry.get(f) in (None, "")
        ]
        if missing:
            raise RulesFileError(
                f"{path}: rule {entry.get('code', '?')} lacks {', '.join(missing)}"
            )
        CertificationRule.objects.update_or_create(
            code=entry["code"],
            defaults={f: entry.get(f, "" if f in TEXT_FIELDS else None) for f in RULE_FIELDS},
        )
        counts["rules"] += 1
    for order, entry in enumerate(data.get("revocation_grounds", [])):
        if not entry.get("code") or not entry.get("title"):
            raise RulesFileError(f"{path}: a revocation ground lacks its code or title")
        RevocationGround.objects.update_or_create(
            code=entry["code"],
            defaults={
                "order": order,
                "active": True,
                **{f: entry.get(f, "") for f in GROUND_FIELDS},
            },
        )
        counts["grounds"] += 1
    return counts
