"""Load the inspection data from YAML (idempotent): the parameters of the
plan-selection rules and the versioned checklists, each with its legal basis,
effective dates and what is not confirmed."""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from ..enums import FindingType
from ..models import Checklist, ChecklistItem, PlanRuleSet

DATA = Path(__file__).resolve().parent.parent / "data"
RULES_FILE = DATA / "plan_rules.yaml"
CHECKLIST_DIR = DATA / "checklists"
RULES_FORMAT = "ocop-inspection-plan-rules/1"
CHECKLIST_FORMAT = "ocop-inspection-checklist/1"
RULE_FIELDS = (
    "legal_basis",
    "effective_from",
    "expiring_months",
    "capacity_ratio",
    "random_share",
)


class InspectionDataError(ValueError):
    pass


def _read(path: Path, fmt: str) -> dict:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise InspectionDataError(f"{path}: expected “format: {fmt}”")
    return data


def load_rules(*, path: Path = RULES_FILE) -> int:
    data = _read(path, RULES_FORMAT)
    count = 0
    for entry in data.get("rule_sets", []):
        missing = [f for f in ("code", *RULE_FIELDS) if entry.get(f) in (None, "")]
        if missing:
            raise InspectionDataError(
                f"{path}: rule set {entry.get('code', '?')} lacks {', '.join(missing)}"
            )
        share = Decimal(str(entry["random_share"]))
        if not Decimal(0) <= share <= Decimal(1):
            raise InspectionDataError(f"{path}: random_share must be between 0 and 1")
        PlanRuleSet.objects.update_or_create(
            code=entry["code"],
            defaults={
                "legal_basis": entry["legal_basis"],
                "effective_from": entry["effective_from"],
                "effective_to": entry.get("effective_to"),
                "expiring_months": int(entry["expiring_months"]),
                "capacity_ratio": Decimal(str(entry["capacity_ratio"])),
                "capacity_window_days": int(entry.get("capacity_window_days", 365)),
                "random_share": share,
                "source": entry.get("source", ""),
                "unconfirmed": entry.get("unconfirmed", ""),
            },
        )
        count += 1
    return count


def load_checklist(*, path: Path) -> Checklist:
    data = _read(path, CHECKLIST_FORMAT)
    missing = [
        f for f in ("code", "version", "title", "legal_basis", "effective_from") if not data.get(f)
    ]
    if missing:
        raise InspectionDataError(f"{path}: lacks {', '.join(missing)}")
    items = data.get("items") or []
    if not items:
        raise InspectionDataError(f"{path}: has no items")
    codes = [str(i.get("code", "")) for i in items]
    if "" in codes or len(set(codes)) != len(codes):
        raise InspectionDataError(f"{path}: every item needs its own code")
    for item in items:
        if item.get("finding_type") not in FindingType.values or not item.get("text"):
            raise InspectionDataError(
                f"{path}: item {item.get('code')} needs a text and a known finding_type"
            )
    checklist, _created = Checklist.objects.update_or_create(
        code=data["code"],
        version=int(data["version"]),
        defaults={
            "title": data["title"],
            "legal_basis": data["legal_basis"],
            "effective_from": data["effective_from"],
            "effective_to": data.get("effective_to"),
            "unconfirmed": data.get("unconfirmed", ""),
        },
    )
    for order, item in enumerate(items):
        ChecklistItem.objects.update_or_create(
            checklist=checklist,
            code=str(item["code"]),
            defaults={
                "order": order,
                "finding_type": item["finding_type"],
                "text": item["text"],
                "guidance": item.get("guidance", ""),
                "legal_basis": item.get("legal_basis", ""),
                "unconfirmed": item.get("unconfirmed", ""),
            },
        )
    return checklist


@transaction.atomic
def load_all(*, rules: Path = RULES_FILE, checklists: Path = CHECKLIST_DIR) -> dict[str, int]:
    counts = {"rule_sets": load_rules(path=rules), "checklists": 0}
    for path in sorted(Path(checklists).glob("*.yaml")):
        load_checklist(path=path)
        counts["checklists"] += 1
    return counts
