from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.inspections.domain.loading import (
    CHECKLIST_DIR,
    RULES_FILE,
    InspectionDataError,
    load_all,
)


class Command(BaseCommand):
    help = "Load the plan-selection rules and the inspection checklists (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--rules", default=str(RULES_FILE))
        parser.add_argument("--checklists", default=str(CHECKLIST_DIR))

    def handle(self, *args, rules, checklists, **options):
        try:
            counts = load_all(rules=Path(rules), checklists=Path(checklists))
        except (OSError, InspectionDataError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{counts['rule_sets']} rule sets, {counts['checklists']} checklists loaded."
        )
