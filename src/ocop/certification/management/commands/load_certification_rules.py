from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.certification.domain.loading import SHIPPED, RulesFileError, load_rules


class Command(BaseCommand):
    help = "Load certificate validity rules and revocation grounds (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED))

    def handle(self, *args, path, **options):
        try:
            counts = load_rules(path=Path(path))
        except (OSError, RulesFileError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{counts['rules']} rules, {counts['grounds']} revocation grounds loaded."
        )
