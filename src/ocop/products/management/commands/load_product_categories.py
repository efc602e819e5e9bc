"""Load the official product classification (idempotent)."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand
from django.db import transaction

from ocop.products.enums import CategoryLevel
from ocop.products.models import ProductCategory

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "product_categories.yaml"


def _upsert(*, code, level, parent, name, name_en, basis, valid_from, valid_to, ministry=""):
    values = {
        "level": level,
        "parent": parent,
        "name": name,
        "name_en": name_en,
        "legal_basis": basis,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "lead_ministry": ministry,
    }
    category = ProductCategory.objects.filter(code=code).first()
    if category is None:
        return ProductCategory.objects.create(code=code, **values), 1
    changed = any(getattr(category, k) != v for k, v in values.items())
    if changed:
        for k, v in values.items():
            setattr(category, k, v)
        category.save()
    return category, 0


class Command(BaseCommand):
    help = "Load the product groups, sub-groups and sets (Decisions 148 and 1048)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    @transaction.atomic
    def handle(self, *args, file, **options):
        created = 0
        for basis in yaml.safe_load(Path(file).read_text(encoding="utf-8")):
            common = {
                "basis": basis["legal_basis"],
                "valid_from": basis["valid_from"],
                "valid_to": basis.get("valid_to"),
            }
            for group in basis["groups"]:
                g, n = _upsert(
                    code=group["code"],
                    level=CategoryLevel.GROUP,
                    parent=None,
                    name=group["name"],
                    name_en=group["name_en"],
                    **common,
                )
                created += n
                for sub in group.get("subgroups", []):
                    s, n = _upsert(
                        code=sub["code"],
                        level=CategoryLevel.SUBGROUP,
                        parent=g,
                        name=sub["name"],
                        name_en=sub["name_en"],
                        **common,
                    )
                    created += n
                    for leaf in sub["sets"]:
                        _, n = _upsert(
                            code=leaf["code"],
                            level=CategoryLevel.SET,
                            parent=s,
                            name=leaf["name"],
                            name_en=leaf["name_en"],
                            ministry=leaf.get("ministry", ""),
                            **common,
                        )
                        created += n
        if options["verbosity"]:
            self.stdout.write(f"Product categories: {created} created")
