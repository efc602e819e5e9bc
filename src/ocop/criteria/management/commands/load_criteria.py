"""Load criteria sheets and ranking rules from files (idempotent).

    manage.py load_criteria FILE [FILE...]
    manage.py load_criteria --shipped

Every file is checked before anything is written; if one is refused, every
reason is printed and nothing at all is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.criteria.domain.loading import LoadResult, SheetError, load_file, shipped_files


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
                    results = load_file(path)
                except SheetError as exc:
                    failures[path] = exc.messages
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
