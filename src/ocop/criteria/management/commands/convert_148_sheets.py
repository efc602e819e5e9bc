"""Convert the CSV transcription of Phụ lục III (Decision 148) into sheet files.

    manage.py convert_148_sheets CSV_DIR [--out DIR]

Reads ``CSV_DIR/set-NN-*.csv`` (26 files, one per product set of Phụ lục I)
and writes ``DIR/148-NN-*.yaml`` (by default the shipped
``src/ocop/criteria/data/sheets/``). See ``ocop.criteria.transcription`` for
the reading, the corrections and the flags, and docs/criteria-format.md.
Nothing is loaded: run ``load_criteria --shipped`` (or ``load_criteria FILE``)
afterwards.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ocop.criteria import transcription
from ocop.criteria.domain.loading import SHEETS_DIR
from ocop.criteria.domain.sheet_data import normalise_sheet, sheet_spec_from_data
from ocop.criteria.validation import located_errors


def convert_dir(source: Path, out: Path) -> list[tuple[Path, dict]]:
    """Convert every ``set-NN-*.csv`` of ``source`` into ``out``; returns the
    written paths with their sheets."""
    files = sorted(source.glob("set-*.csv"))
    if not files:
        raise transcription.TranscriptionError(f"{source}: không có tệp set-NN-….csv nào.")
    names = transcription.set_names()
    written = []
    with translation.override("vi"):
        for path in files:
            sheet = transcription.convert_file(path, names=names)
            plain = {k: v for k, v in sheet.items() if not k.startswith("_")}
            normalised, problems = normalise_sheet(plain)
            if problems:
                raise transcription.TranscriptionError(f"{path.name}: " + " ".join(problems))
            sheet = transcription.finish(sheet, located_errors(sheet_spec_from_data(normalised)))
            target = out / f"{transcription.slug(path)}.yaml"
            target.write_text(transcription.dump(sheet), encoding="utf-8")
            written.append((target, sheet))
    return written


class Command(BaseCommand):
    help = "Convert the CSV transcription of Phụ lục III (Decision 148) into sheet files."

    def add_arguments(self, parser):
        parser.add_argument("source", help="folder with the set-NN-*.csv files")
        parser.add_argument("--out", default=str(SHEETS_DIR), help="where to write the .yaml")

    def handle(self, *args, **options):
        source, out = Path(options["source"]), Path(options["out"])
        if not source.is_dir() or not out.is_dir():
            raise CommandError(f"Not a folder: {source if not source.is_dir() else out}")
        try:
            written = convert_dir(source, out)
        except transcription.TranscriptionError as exc:
            raise CommandError(str(exc)) from exc
        for path, sheet in written:
            flags = ", ".join(f["at"] for f in sheet.get("flags", []))
            self.stdout.write(
                f"{path.name}: {len(sheet['conditions'])} conditions"
                + (f"; flagged at {flags}" if flags else "")
            )
