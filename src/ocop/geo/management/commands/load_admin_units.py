from django.core.management.base import BaseCommand

from ocop.geo.domain.loading import load_admin_units


class Command(BaseCommand):
    help = (
        "Load the 2025 administrative units (34 provinces, 3,321 communes), the "
        "pre-2025 units and the old → new mapping. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            help="Only this 2025 province code (e.g. 38) and the old units merged into it.",
        )

    def handle(self, *args, provinces=None, **options):
        codes = {f"{int(c):02d}" for c in provinces} if provinces else None
        result = load_admin_units(province_codes=codes)
        if options["verbosity"]:
            self.stdout.write(f"Administrative units: {result}")
