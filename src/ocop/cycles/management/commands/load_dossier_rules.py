"""Load the dossier's required-document checklist (idempotent).

manage.py load_dossier_rules [FILE]
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ocop.cycles.domain.rules_data import DATA, load_required_documents


class Command(BaseCommand):
    help = "Load the required-document checklist of evaluation dossiers."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DATA))

    def handle(self, *args, file, **options):
        try:
            counts = load_required_documents(file)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{counts['created']} created, {counts['updated']} updated, "
                f"{counts['deleted']} deleted"
            )
