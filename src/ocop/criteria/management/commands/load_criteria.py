"""Load criteria sheets and ranking rules from files (idempotent).

    manage.py load_criteria FILE [FILE...]
    manage.py load_criteria --shipped

Every file is checked before anything is written; if one is refused, every
reason is printed (in the site's language, as on the web) and nothing at all
is written. Files of another kind, missing, larger than
OCOP_CRITERIA_FILE_MAX_KB, with NUL bytes, nested too deep or damaged are
refused with a message, never a traceback.
"""

from decimal import InvalidOperation
from pathlib import Path
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.criteria.domain.loading import LoadResult, load_file, shipped_files

# Errors a crafted or damaged file can still raise deep in a reader.
UNREADABLE = (
    BadZipFile,
    KeyError,
    RecursionError,
    InvalidOperation,
    ValueError,
    TypeError,
    OSError,
    EOFError,
)


class Command(BaseCommand):
    help = "Load criteria sheets (.yaml, .json, .xlsx) and ranking rules; --shipped loads ours."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="sheet or ranking-rules files")
        parser.add_argument(
            "--shipped", action="store_true", help="load the rules and sheets shipped with OCOP"
        )

    def handle(self, *args, files, shipped, **options):
        paths = [Path(f) for f in files]
        if shipped:
            paths = shipped_files() + paths
        if not paths:
            raise CommandError(_("Name at least one file, or use --shipped."))
        failures: dict[Path, list[str]] = {}
        lines: list[str] = []
        with transaction.atomic():
            for path in paths:
                try:
                    with transaction.atomic():
                        results = load_file(path)
                except ValidationError as exc:  # SheetError and the core readers' refusals
                    failures[path] = exc.messages
                    continue
                except UNREADABLE as exc:  # never a traceback: say which file and why
                    failures[path] = [
                        _("The file %(name)s cannot be read as criteria (%(error)s).")
                        % {"name": path.name, "error": type(exc).__name__}
                    ]
                    continue
                lines.extend(f"{path.name}: {_describe(result)}" for result in results)
            if failures:
                transaction.set_rollback(True)
        if failures:
            for path, messages in failures.items():
                self.stderr.write(_("%(name)s was refused:") % {"name": path})
                for message in messages:
                    self.stderr.write(f"  - {message}")
            raise CommandError(_("Nothing was loaded: correct the files and try again."))
        if options["verbosity"] > 0:
            for line in lines:
                self.stdout.write(line)


STATUS_LABELS = {
    "created": gettext_lazy("created"),
    "unchanged": gettext_lazy("unchanged"),
    "replaced": gettext_lazy("replaced (not yet used in a scoring)"),
    "superseded": gettext_lazy("loaded as a new version (the previous one is in use)"),
}


def _describe(result) -> str:
    if isinstance(result, LoadResult):
        return _("%(code)s %(status)s (version %(version)s)") % {
            "code": result.sheet.code,
            "status": STATUS_LABELS.get(result.status, result.status),
            "version": result.sheet.version,
        }
    return (
        _("ranking rules: %(created)s created, %(updated)s updated, %(deleted)s deleted") % result
    )
