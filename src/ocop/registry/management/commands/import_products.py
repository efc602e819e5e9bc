"""Import a provincial list of OCOP products from Excel (.xlsx).

    manage.py import_products ds-ocop-2022.xlsx --province 38 --dry-run
    manage.py import_products ds-ocop-2022.xlsx --province 38 --apply-valid
    manage.py import_products ds.xlsx --province 38 --map J=registration_number

Runs as the system (no permission check). Without --province every address
must name its province. Nothing is written with --dry-run, nor when a row is
bad unless --apply-valid is given. Re-importing the same file changes nothing.
"""

from decimal import InvalidOperation
from pathlib import Path
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string

from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from ocop.registry.domain.fields import FIELDS
from ocop.registry.domain.service import run_import

# Errors a crafted or damaged file can still raise deep in a reader.
UNREADABLE = (BadZipFile, KeyError, RecursionError, InvalidOperation, ParseError, OSError, EOFError)


class Command(BaseCommand):
    help = "Import OCOP products, subjects and certificates from an Excel list."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument(
            "--province", help="code of the 2025 province of the list (e.g. 38 = Thanh Hóa)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--apply-valid",
            action="store_true",
            help="write the valid rows even if some rows are bad",
        )
        parser.add_argument(
            "--map",
            dest="maps",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"read a column as a field, e.g. J=registration_number ({', '.join(FIELDS)})",
        )
        parser.add_argument(
            "--max-problems", type=int, default=50, help="problems to print (default 50)"
        )

    def handle(self, *args, file, province, dry_run, apply_valid, maps, max_problems, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(_("The file %(name)s does not exist.") % {"name": path})
        if not path.is_file():
            raise CommandError(_("%(name)s is not a file.") % {"name": path})
        if path.suffix.lower() != ".xlsx":
            raise CommandError(
                _("The file %(name)s is not an Excel list (.xlsx); save it as .xlsx and retry.")
                % {"name": path.name}
            )
        unit = None
        if province:
            unit = AdminUnit.objects.filter(
                era=Era.CURRENT, level=Level.PROVINCE, code=province.zfill(2)
            ).first()
            if unit is None:
                raise CommandError(_("Unknown 2025 province code: %(code)s") % {"code": province})
        mapping = self._mapping(maps)
        try:
            result = run_import(
                path, province=unit, mapping=mapping, dry_run=dry_run, apply_valid=apply_valid
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except UNREADABLE as exc:  # never a traceback: the web's message
            raise CommandError(
                _(
                    "The Excel file is damaged and could not be read to the end. Open it in "
                    "Excel or LibreOffice, save it again as .xlsx and retry."
                )
                + f" ({type(exc).__name__})"
            ) from exc
        self._report(result, max_problems)
        s = result.summary
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif result.applied:
            self.stdout.write(self.style.SUCCESS(f"Imported (batch #{result.batch.pk})."))
        else:
            raise CommandError(
                _(
                    "Nothing was written: %(count)s rows are bad. Correct them, or use "
                    "--apply-valid to write the valid rows."
                )
                % {"count": s["rows_rejected"]}
            )

    def _mapping(self, items: list[str]) -> dict[str, str]:
        mapping = {}
        for item in items:
            column, _sep, name = item.partition("=")
            if not column.strip().isalpha() or name not in (*FIELDS, ""):
                raise CommandError(f"--map takes COLUMN=FIELD, e.g. J=registration_number: {item}")
            mapping[str(column_index_from_string(column.strip().upper()) - 1)] = name
        return mapping

    def _report(self, result, max_problems: int) -> None:
        s = result.summary
        write = self.stdout.write
        write(f"Header on row {result.header_row}:")
        for column in result.columns:
            if column.header or column.field:
                target = column.field or "(not recognised; use --map)"
                write(f"  {column.letter} {column.header} -> {target}")
        write(
            f"Rows: {s['rows']} read, {s['rows_valid']} valid, {s['rows_rejected']} rejected, "
            f"{s['rows_duplicate']} repeated"
        )
        write(
            f"Subjects: {s['subjects_created']} created, {s['subjects_updated']} updated, "
            f"{s['subjects_unchanged']} unchanged"
        )
        write(
            f"Products: {s['products_created']} created, {s['products_updated']} updated, "
            f"{s['products_unchanged']} unchanged"
        )
        write(f"Certificates: {s['certificates_created']} created")
        if result.problems:
            write(f"Problems ({s['errors']} errors, {s['warnings']} warnings):")
            for problem in result.problems[:max_problems]:
                style = self.style.ERROR if problem.is_error else self.style.WARNING
                write(
                    style(
                        f"  row {problem.row}, {problem.column}: [{problem.code}] {problem.message}"
                    )
                )
            hidden = s["errors"] + s["warnings"] - min(len(result.problems), max_problems)
            if hidden > 0:
                write(f"  … and {hidden} more")
