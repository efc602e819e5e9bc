"""Print a province's records as the centre must hold them (canonical JSON):
the province's own (``--own``) or the centre's copies. Two equal outputs mean
the centre holds exactly the province's data."""

from django.core.management.base import BaseCommand, CommandError

from ocop.exchange.domain.package import canonical
from ocop.exchange.domain.state import centre_state, province_state
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit


class Command(BaseCommand):
    help = "Print the exchange state of a province (own rows or the centre's copies)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True)
        parser.add_argument("--own", action="store_true", help="this instance's own rows")

    def handle(self, *args, province, own, **options):
        if own:
            unit = AdminUnit.objects.filter(
                era=Era.CURRENT, level=Level.PROVINCE, code=province
            ).first()
            if unit is None:
                raise CommandError(f"Không có tỉnh mã {province}.")
            state = province_state(province=unit)
        else:
            state = centre_state(province_code=province)
        self.stdout.write(canonical(state).decode())
