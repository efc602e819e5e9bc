"""Write a province's signed exchange package (docs/exchange.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from ocop.exchange.domain.export import export_package, last_export_time
from ocop.exchange.domain.package import PackageError
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit


class Command(BaseCommand):
    help = "Export the exchange package of a province (changed since a time)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="2025 province code, e.g. 38")
        parser.add_argument(
            "--since",
            default="last",
            help="ISO 8601 time, 'last' (the last export, the default) or 'all'",
        )
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args, province, since, out, **options):
        unit = AdminUnit.objects.filter(
            era=Era.CURRENT, level=Level.PROVINCE, code=province
        ).first()
        if unit is None:
            raise CommandError(f"Không có tỉnh mã {province}.")
        if since == "all":
            moment = None
        elif since == "last":
            moment = last_export_time(province=unit)
        else:
            moment = parse_datetime(since)
            if moment is None:
                raise CommandError(f"Thời điểm không hợp lệ: {since} (ISO 8601).")
        try:
            raw = export_package(province=unit, since=moment)
        except PackageError as e:
            raise CommandError(str(e)) from None
        Path(out).write_bytes(raw)
        self.stdout.write(f"{out}: {len(raw)} bytes")
