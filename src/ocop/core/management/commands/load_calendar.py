"""Load public holidays and compensatory days (idempotent)."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand
from django.db import transaction

from ocop.core.models import CalendarDay

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "calendar_days.yaml"


class Command(BaseCommand):
    help = "Load calendar days (public holidays, compensatory days) from a YAML file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    @transaction.atomic
    def handle(self, *args, file, **options):
        rows = yaml.safe_load(Path(file).read_text(encoding="utf-8"))
        created = 0
        for row in rows:
            _, was_created = CalendarDay.objects.update_or_create(
                date=row["date"],
                defaults={
                    "kind": row["kind"],
                    "name": row["name"],
                    "legal_basis": row.get("legal_basis", ""),
                },
            )
            created += was_created
        self.stdout.write(
            f"Calendar days: {created} created, {len(rows) - created} unchanged/updated"
        )
