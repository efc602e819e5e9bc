from django.core.management.base import BaseCommand

from ocop.stats.domain.targets import DATA_FILE, load_national_targets


class Command(BaseCommand):
    help = "Load the national programme's targets (Decision 919/QĐ-TTg) from YAML (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE), help="the YAML file to load")

    def handle(self, *args, **options):
        created, changed = load_national_targets(path=options["file"])
        self.stdout.write(f"National targets: {created} created, {changed} changed.")
