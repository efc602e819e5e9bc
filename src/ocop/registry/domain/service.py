"""The registry import as a service: ``run_import`` reads a list, parses its
rows, plans what changes and writes it (``manage.py import_products``), and
the upload → preview → confirm pages store a list (``create_batch``), check
it (``check_batch``, a dry run) and apply it in the background, chunk by
chunk (``apply.py``).

Each row gives (or matches) a subject, a product and, when it carries a star,
a historical certificate. Nothing is written in a dry run; a real run writes
(``run_import``, the command) in one transaction, chunk by chunk with bulk
queries, and is rolled back when a row is bad, unless ``apply_valid`` asks for
the valid rows to be applied; the pages' apply commits chunk by chunk and can
resume (``apply.py``).
Re-importing the same file changes nothing.
"""

from datetime import date
from functools import partial
from pathlib import Path, PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.certification.domain.certificates import supersede_older
from ocop.certification.domain.decisions import record_imported_decision
from ocop.core.domain.activity import log_action, log_many
from ocop.core.uploads import XLSX, check_upload
from ocop.core.xlsx import check_archive, open_workbook
from ocop.geo.domain.resolve import AddressResolver
from ocop.products.models import Product
from ocop.registry.models import ImportBatch
from ocop.registry.rules import check_import_permission

from .cells import decision_key, parse_annex_title
from .parse import Reference, Row, RowParser
from .plan import Planner
from .problems import ERROR, WARNING, Column, ImportResult, Problem, Report
from .read import Layout, clean_mapping, find_sheet
from .write import Writer

CHUNK_SIZE = 500


class Importer:
    """One run over a list: read → parse → plan → write, chunk by chunk."""

    def __init__(
        self,
        *,
        province,
        mapping,
        dry_run: bool,
        apply_valid: bool,
        chunk_size: int = CHUNK_SIZE,
        today: date | None = None,
        resume_after: int = 0,
        commit=None,
        max_chunks: int | None = None,
        annex: dict | None = None,
        by=None,
    ):
        self.mapping = mapping or {}
        self.province = province
        self.by = by
        # The decision the list is an annex of: given on the upload form
        # ({"number", "date"}) or read from the title rows (``run``).
        self.annex_given = annex or {}
        self.annex_read: tuple[str, date | None] = ("", None)
        self.apply_valid = apply_valid
        self.chunk_size = chunk_size
        # Chunked apply (``apply.py``): rows up to ``resume_after`` were
        # written by an earlier run and are only replayed (planned, not
        # written); ``commit(write, last_row=)`` runs each chunk's writes in
        # its own transaction; at most ``max_chunks`` chunks are written.
        self.resume_after = resume_after
        self.commit = commit
        self.max_chunks = max_chunks
        self.chunks_written = 0
        self.finished = False
        today = today or timezone.localdate()
        self.layout = Layout()
        self.report = Report()
        resolver = AddressResolver()
        reference = Reference()
        shared = {
            "province": province,
            "today": today,
            "layout": self.layout,
            "report": self.report,
            "resolver": resolver,
            "reference": reference,
        }
        self.parser = RowParser(**shared)
        self.planner = Planner(dry_run=dry_run, **shared)
        self.writer = Writer(
            plan=self.planner, resolver=resolver, reference=reference, chunk_size=chunk_size
        )

    @property
    def dry_run(self) -> bool:
        return self.planner.dry_run

    @property
    def has_errors(self) -> bool:
        return self.report.has_errors

    def run(self, source) -> None:
        workbook = open_workbook(source)
        try:
            found, rows = find_sheet(workbook, self.mapping)
            self.layout.header_row = found.header_row
            self.layout.columns = found.columns
            self.layout.by_field = found.by_field
            self.layout.titles = found.titles
            self._use_annex(parse_annex_title(found.titles))
            self.layout.formulas = found.formulas
            chunk: list[Row] = []
            replaying, last = False, 0
            for number, values in rows:
                if replaying and number > self.resume_after:
                    self.replay(chunk)  # the rest of what an earlier run wrote
                    chunk = []
                replaying, last = number <= self.resume_after, number
                if not any(v not in (None, "") for v in values) and not any(
                    (number, i) in self.layout.formulas for i in range(len(values))
                ):
                    continue  # empty (a row of uncalculated formulas is reported)
                if self.parser.is_section(values) and not (
                    self.layout.uncalculated(number, "product_name")
                    or self.layout.uncalculated(number, "subject_name")
                ):
                    continue
                row = self.parser.parse_row(number, values)
                if row is None:
                    if number in self.report.error_rows:
                        self.report.counts.rows_rejected += 1
                    continue
                chunk.append(row)
                if len(chunk) >= self.chunk_size:
                    if replaying:
                        self.replay(chunk)
                    else:
                        self.flush(chunk, last_row=number)
                        if self.max_chunks is not None and self.chunks_written >= self.max_chunks:
                            return  # the caller goes on later, from the last committed row
                    chunk = []
            if replaying:
                self.replay(chunk)
            else:
                self.flush(chunk, last_row=last)
            self.finished = True
        finally:
            workbook.close()

    def _use_annex(self, read: tuple[str, date | None]) -> None:
        self.annex_read = read
        number = (self.annex_given.get("number") or read[0] or "").strip()
        day = self.annex_given.get("date") or read[1]
        self.parser.annex_number = number
        self.parser.annex_date = day
        if number and self.province is not None:
            self.writer.annex_key = decision_key(number)
            self.writer.annex_decision = partial(
                record_imported_decision, number=number, day=day, unit=self.province, by=self.by
            )

    @property
    def annex(self) -> dict:
        """The annex's decision as read and as used (for the preview)."""
        read_number, read_date = self.annex_read
        return {
            "annex_read_number": read_number,
            "annex_read_date": read_date.isoformat() if read_date else "",
            "annex_number": self.parser.annex_number,
            "annex_date": self.parser.annex_date.isoformat() if self.parser.annex_date else "",
        }

    def log_written(self, *, batch: ImportBatch) -> None:
        """One history entry per product the writes so far created or changed
        (or gave a certificate), shown on the product's page; then forgotten,
        so that a chunked apply logs each chunk once, in its transaction."""
        annex = self.annex
        rows = [
            (
                entry.pk,
                entry.name,
                entry.commune_id,
                {
                    "import": batch.pk,
                    "file": batch.original_name,
                    "created": entry.created,
                    "star": entry.star,
                    "decision_number": annex["annex_number"],
                    "decision_date": annex["annex_date"],
                },
            )
            for entry in self.writer.written.values()
        ]
        self.writer.written.clear()
        log_many(action="ocop.product.imported", by=self.by, model=Product, rows=rows)

    def replay(self, chunk: list[Row]) -> None:
        """Plan rows an earlier run already wrote (they match what it wrote),
        so that later rows see the same subjects and products; nothing is written."""
        dry_run = self.planner.dry_run
        self.planner.dry_run = True
        if chunk:
            self.planner.plan(chunk)
        self.writer.write(dry_run=True)
        self.planner.dry_run = dry_run

    def flush(self, chunk: list[Row], *, last_row: int = 0) -> None:
        if self.commit is None:
            self.write_chunk(chunk)
        else:
            self.commit(lambda: self.write_chunk(chunk), last_row=last_row)
            self.chunks_written += 1

    def write_chunk(self, chunk: list[Row]) -> bool:
        """Plan a chunk and write it; False when nothing may be written (a
        bad row without ``apply_valid``: from then on the run only checks)."""
        if chunk:
            self.planner.plan(chunk)
        if self.report.has_errors and not self.apply_valid:
            self.planner.dry_run = True  # nothing will be kept: stop writing
            self.planner.new_certificates = []
        self.writer.write(dry_run=self.planner.dry_run)
        return not self.planner.dry_run

    def effects(self) -> dict:
        """What this run has written so far (rows an earlier run wrote count there)."""
        subjects = [e for e in self.planner.subject_entries.values() if e.touched]
        products = [e for e in self.planner.products.values() if e.touched]
        return {
            "subjects_created": sum(e.created for e in subjects),
            "subjects_updated": sum(e.changed for e in subjects),
            "products_created": sum(e.created for e in products),
            "products_updated": sum(e.changed for e in products),
            "certificates_created": self.report.counts.certificates_created,
        }

    def summary(self, *, applied: bool) -> dict:
        subjects = [e for e in self.planner.subject_entries.values() if e.touched]
        products = [e for e in self.planner.products.values() if e.touched]
        counts = self.report.counts
        return {
            "header_row": self.layout.header_row,
            "rows": counts.rows,
            "rows_valid": counts.rows_valid,
            "rows_rejected": counts.rows_rejected,
            "rows_duplicate": counts.rows_duplicate,
            "subjects_created": sum(e.created for e in subjects),
            "subjects_updated": sum(e.changed for e in subjects),
            "subjects_unchanged": sum(not e.created and not e.changed for e in subjects),
            "products_created": sum(e.created for e in products),
            "products_updated": sum(e.changed for e in products),
            "products_unchanged": sum(not e.created and not e.changed for e in products),
            "certificates_created": counts.certificates_created,
            "errors": self.report.problem_counts[ERROR],
            "warnings": self.report.problem_counts[WARNING],
            "applied": applied,
            **self.annex,
        }

    def result(self, *, applied: bool, batch=None) -> ImportResult:
        return ImportResult(
            header_row=self.layout.header_row,
            columns=self.layout.columns,
            summary=self.summary(applied=applied),
            problems=self.report.problems,
            applied=applied,
            batch=batch,
        )


# Entry points -------------------------------------------------------------------


def run_import(
    source,
    *,
    province=None,
    by=None,
    mapping: dict | None = None,
    dry_run: bool = False,
    apply_valid: bool = False,
    batch: ImportBatch | None = None,
    original_name: str = "",
    chunk_size: int = CHUNK_SIZE,
    today: date | None = None,
    annex: dict | None = None,
) -> ImportResult:
    """Import an .xlsx list (a path or a binary file object).

    ``province`` is the 2025 province of the list (addresses without a
    province are taken to be in it; rows in another province are refused);
    without it every address must name its province. ``by`` is the acting
    user, who must be an officer of that province; None is the system.
    Nothing is written when ``dry_run``, nor when a row is bad unless
    ``apply_valid``. An applied import is recorded as an ImportBatch (the
    given one, or a new one holding a copy of the file) and logged.
    """
    check_import_permission(by, province)
    importer = Importer(
        province=province,
        mapping=mapping,
        dry_run=dry_run,
        apply_valid=apply_valid,
        chunk_size=chunk_size,
        today=today,
        annex=annex,
        by=by,
    )
    if dry_run:
        importer.run(source)
        return importer.result(applied=False, batch=batch)
    with transaction.atomic():
        importer.run(source)
        applied = not importer.has_errors or apply_valid
        if not applied:
            transaction.set_rollback(True)
        else:
            # A product recognised several times: its newest certificate
            # supersedes the older ones (the history of the list).
            supersede_older(product_ids=importer.writer.certified_product_ids)
            result = importer.result(applied=True)
            batch = _record(
                batch=batch,
                source=source,
                by=by,
                province=province,
                mapping=mapping,
                original_name=original_name,
                result=result,
            )
            importer.log_written(batch=batch)
            return importer.result(applied=True, batch=batch)
    return importer.result(applied=False, batch=batch)


def _record(*, batch, source, by, province, mapping, original_name, result) -> ImportBatch:
    """Mark the batch applied (creating it for the command) and log it."""
    if batch is None:
        name = original_name or PurePath(str(getattr(source, "name", source))).name
        batch = ImportBatch(created_by=by, province=province, original_name=name[:255])
        batch.mapping = clean_mapping(mapping)
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:
                batch.file.save("import.xlsx", File(handle), save=False)
        else:
            source.seek(0)
            batch.file.save("import.xlsx", File(source), save=False)
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.summary = {**batch.summary, **result.summary}
    batch.problems = [p.as_dict() for p in result.problems]
    batch.save()
    log_action(
        action="ocop.import.applied",
        by=by,
        obj=batch,
        unit=province,
        data={k: v for k, v in result.summary.items() if k != "header_row"},
    )
    return batch


def annex_given(*, number: str = "", day: date | None = None) -> dict:
    """The annex's decision as typed on the upload form, stored with the list."""
    return {"number": (number or "").strip()[:100], "date": day.isoformat() if day else ""}


def annex_of(batch: ImportBatch) -> dict:
    """The annex's decision given for a stored list ({"number", "date"})."""
    given = (batch.summary or {}).get("annex_given") or {}
    day = given.get("date")
    return {"number": given.get("number", ""), "date": date.fromisoformat(day) if day else None}


def create_batch(
    *, by, upload, province, apply_valid: bool = False, annex: dict | None = None
) -> ImportBatch:
    """Store an uploaded list for checking (the upload page), with the
    annex's decision if typed on the form (``annex_given``)."""
    check_import_permission(by, province)
    check_upload(upload, kinds=(XLSX,))
    check_archive(upload)  # read once, later, by check_batch
    batch = ImportBatch(
        created_by=by,
        province=province,
        original_name=PurePath(upload.name or "import.xlsx").name[:255],
        summary={"apply_valid": bool(apply_valid), "annex_given": annex or annex_given()},
    )
    batch.file.save("import.xlsx", upload, save=False)
    batch.save()
    return batch


def start_import(
    *, by, upload, province, apply_valid: bool = False, annex: dict | None = None
) -> ImportResult:
    """Store an uploaded list and check it (a dry run). A file that cannot be
    read as a list (no header, say) is not kept."""
    batch = create_batch(
        by=by, upload=upload, province=province, apply_valid=apply_valid, annex=annex
    )
    try:
        return check_batch(by=by, batch=batch)
    except ValidationError:
        batch.file.delete(save=False)
        batch.delete()
        raise


def _stored(batch: ImportBatch, result: ImportResult, **extra) -> dict:
    return {
        **batch.summary,
        **result.summary,
        "columns": [c.as_dict() for c in result.columns],
        **extra,
    }


def check_batch(
    *, by, batch: ImportBatch, mapping: dict | None = None, annex: dict | None = None
) -> ImportResult:
    """Dry-run a stored list (the preview), with the user's column choices
    and the annex's decision as corrected on the preview."""
    check_import_permission(by, batch.province)
    if batch.status == ImportBatch.Status.APPLIED:
        raise ValidationError(_("This list has already been imported."), code="applied")
    if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.APPLYING):
        raise ValidationError(_("This list is being imported."), code="applying")
    if mapping is not None:
        mapping = clean_mapping(mapping)
        if batch.resume_row and mapping != batch.mapping:
            raise ValidationError(
                _(
                    "Part of this list has already been imported, so its columns cannot be "
                    "read differently now; upload a corrected list instead."
                ),
                code="partly_applied",
            )
        batch.mapping = mapping
    if annex is not None:
        batch.summary = {**(batch.summary or {}), "annex_given": annex}
    with batch.file.open("rb") as handle:
        result = run_import(
            handle,
            province=batch.province,
            mapping=batch.mapping,
            dry_run=True,
            annex=annex_of(batch),
        )
    batch.summary = _stored(batch, result)
    batch.problems = [p.as_dict() for p in result.problems]
    batch.status = ImportBatch.Status.CHECKED
    batch.save(update_fields=["mapping", "summary", "problems", "status"])
    result.batch = batch
    return result


def stored_problems(batch: ImportBatch) -> list[Problem]:
    return [Problem.from_dict(p) for p in batch.problems or []]


def stored_columns(batch: ImportBatch) -> list[Column]:
    return [Column(**c) for c in (batch.summary or {}).get("columns", [])]
