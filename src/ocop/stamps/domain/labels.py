"""Printable A4 label sheets (PDF) of a stamp batch: 40 labels a page, each
with the stamp's QR code, the OCOP mark and stars, the product's name and the
stamp's serial.

How it stays fast for 10,000 stamps and more. Laying out 10,000 labels as
HTML boxes in WeasyPrint costs about a minute and close to a gigabyte of
memory, although every label shows the same product. So WeasyPrint renders
what is the same on every label *once* (the mark, stars, the product's name
in Vietnamese with embedded fonts, the cut line) and the page footer once,
and a finisher turns those two pages into PDF form XObjects. Each output page
then draws the label form 40 times and adds what differs per stamp: its QR
code, as a 1-bit image of one pixel per module (a few hundred bytes, painted
without smoothing so the modules stay sharp on any printer), and its serial
in an embedded monospaced font (``serial_font.py``; serials are ASCII). The
QR codes themselves are then nearly all the cost (segno, pure Python): about 1 ms each.

The QR mask is fixed (pattern 0) instead of trying all eight: the
evaluation quadruples the encoding time, and decoding blurred, low-
resolution renderings with zbar showed no difference in read rates
(400 codes at 2 px per module: 37 failures with the fixed mask, 48 with
evaluation). Every reader takes the mask from the symbol's format bits.
Large sheets share the encoding among worker processes (``qrbits.py``).

Small batches are rendered when downloaded; batches of more than
``OCOP_STAMPS_LABELS_DIRECT_MAX`` stamps are rendered by a background task
into a stored file (``LabelSheet``), with its progress on the batch page.
Only active stamps are printed; voiding stamps discards a prepared file.
"""

from collections.abc import Callable

import pydyf
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .. import rules
from ..enums import LabelState, RequestState, StampState
from ..models import LabelSheet, Stamp, StampBatch
from .links import stamp_url
from .qrbits import qr_bits_in_order
from .serial_font import serial_font

MM = 72 / 25.4  # PDF points per millimetre
PAGE_W, PAGE_H = 210 * MM, 297 * MM
COLUMNS, ROWS = 4, 10
PER_PAGE = COLUMNS * ROWS
LABEL_W, LABEL_H = 50 * MM, 28 * MM
MARGIN_X, MARGIN_TOP = 5 * MM, 8.5 * MM
FOOTER_W, FOOTER_H, FOOTER_Y = 200 * MM, 6 * MM, 2 * MM
QR_SIZE = 19 * MM  # 37 modules (the GS1 form) at 0.51 mm, 4-module quiet zone kept clear
QR_X, QR_Y = 2.5 * MM, (LABEL_H - QR_SIZE) / 2
SERIAL_X, SERIAL_Y, SERIAL_PT = 24.5 * MM, 3.2 * MM, 7.5
FOOTER_PT = 6.5
NAME_CHARS = 90  # longer names are cut with "…" (three lines at most on the label)
TEMPLATE = "stamps/pdf/labels.html"


def direct_limit() -> int:
    """Batches up to this many active stamps are rendered on download."""
    return settings.OCOP_STAMPS_LABELS_DIRECT_MAX


Progress = Callable[[int, int], None]


def render_labels(*, batch: StampBatch, progress: Progress | None = None) -> bytes:
    """The label sheets of the batch's active stamps, as PDF bytes.
    ``progress(done, total)`` is called after each page."""
    from weasyprint import HTML  # noqa: PLC0415 -- slow import

    product = batch.product
    stamps = list(
        Stamp.objects.filter(batch=batch, state=StampState.ACTIVE)
        .order_by("serial")
        .values_list("serial", "token")
    )
    star = batch.certificate.star if batch.certificate_id else product.star
    context = {
        "batch": batch,
        "product_name": Truncator(product.name).chars(NAME_CHARS),
        "subject_name": product.subject.name,
        "stars": "★" * (star or 0),
        "first": stamps[0][0] if stamps else "",
        "last": stamps[-1][0] if stamps else "",
        "count": len(stamps),
    }
    html = render_to_string(TEMPLATE, context)
    document = HTML(string=html, base_url=str(settings.SRC_DIR / "static")).render()
    gtin = batch.gtin  # the GTIN the batch was issued under, as on its other sheets
    # The lot (AI 10) of the production batch the stamps were issued for, if any.
    lot = batch.production_batch.lot_code if batch.production_batch_id else ""
    return document.write_pdf(
        finisher=_Sheets(stamps=stamps, gtin=gtin, lot=lot, progress=progress),
    )


class _Sheets:
    """WeasyPrint finisher: the rendered label and footer become forms, then
    the real pages are written with one label per stamp."""

    def __init__(self, *, stamps, gtin: str, lot: str = "", progress):
        self.stamps = stamps
        self.gtin = gtin
        self.lot = lot
        self.progress = progress

    def __call__(self, document, pdf):
        forms = []
        for number in pdf.pages["Kids"][::3]:
            page = pdf.objects[number]
            content = pdf.objects[int(page["Contents"].split()[0])]
            content.extra.update(
                {
                    "Type": "/XObject",
                    "Subtype": "/Form",
                    "BBox": pydyf.Array(page["MediaBox"]),
                    "Resources": page["Resources"],
                }
            )
            forms.append(content.reference)
        label_form, footer_form = forms
        pdf.pages["Kids"] = pydyf.Array([])
        pdf.pages["Count"] = 0
        self.pdf = pdf
        self.forms = {"L": label_form, "F": footer_form}
        self.font = serial_font(pdf)
        total = len(self.stamps)
        pages = max(1, -(-total // PER_PAGE))
        urls = [
            stamp_url(token=token, gtin=self.gtin, lot=self.lot) for _serial, token in self.stamps
        ]
        codes = qr_bits_in_order(urls)
        try:
            for index in range(pages):
                chunk = self.stamps[index * PER_PAGE : (index + 1) * PER_PAGE]
                self._page(chunk, codes, label=f"{index + 1}/{pages}")
                if self.progress is not None:
                    self.progress(min(total, (index + 1) * PER_PAGE), total)
        finally:
            codes.close()  # stops the worker processes if anything failed

    def _page(self, chunk, codes, *, label: str) -> None:
        pdf = self.pdf
        xobjects = pydyf.Dictionary(self.forms)
        stream = pydyf.Stream(compress=True)
        _place(stream, "F", MARGIN_X, FOOTER_Y)
        for position, (serial, _token) in enumerate(chunk):
            row, column = divmod(position, COLUMNS)
            x = MARGIN_X + column * LABEL_W
            y = PAGE_H - MARGIN_TOP - (row + 1) * LABEL_H
            _place(stream, "L", x, y)
            image = _qr_image(*next(codes))
            pdf.add_object(image)
            name = f"Q{position}"
            xobjects[name] = image.reference
            stream.push_state()
            stream.set_matrix(QR_SIZE, 0, 0, QR_SIZE, x + QR_X, y + QR_Y)
            stream.draw_x_object(name)
            stream.pop_state()
            _text(stream, "S", SERIAL_PT, x + SERIAL_X, y + SERIAL_Y, serial)
        # Right of the footer: this sheet's serials and its number.
        footer = f"{chunk[0][0]} - {chunk[-1][0]}  {label}" if chunk else label
        width = len(footer) * FOOTER_PT * 0.6  # monospaced, Courier's 0.6 em a character
        _text(stream, "S", FOOTER_PT, MARGIN_X + FOOTER_W - width, FOOTER_Y + 2 * MM, footer)
        pdf.add_object(stream)
        resources = {"XObject": xobjects, "Font": pydyf.Dictionary({"S": self.font.reference})}
        page = pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": pdf.pages.reference,
                "MediaBox": pydyf.Array([0, 0, PAGE_W, PAGE_H]),
                "Contents": stream.reference,
                "Resources": pydyf.Dictionary(resources),
            }
        )
        pdf.add_page(page)


def _place(stream, name: str, x: float, y: float) -> None:
    stream.push_state()
    stream.set_matrix(1, 0, 0, 1, x, y)
    stream.draw_x_object(name)
    stream.pop_state()


def _text(stream, font: str, size: float, x: float, y: float, text: str) -> None:
    stream.begin_text()
    stream.set_font_size(font, size)
    stream.set_text_matrix(1, 0, 0, 1, x, y)
    stream.show_text_string(text)
    stream.end_text()


def _qr_image(size: int, data: bytes):
    """A QR code as a 1-bit image mask, one sample per module (1 = dark)."""
    return pydyf.Stream(
        [data],
        pydyf.Dictionary(
            {
                "Type": "/XObject",
                "Subtype": "/Image",
                "Width": size,
                "Height": size,
                "ImageMask": "true",
                "BitsPerComponent": 1,
                "Decode": pydyf.Array([1, 0]),
            }
        ),
        compress=True,
    )


def labels_filename(batch: StampBatch) -> str:
    first = batch.stamps.order_by("serial").values_list("serial", flat=True).first() or ""
    return f"tem-ocop-lo-{batch.pk}-{first}.pdf" if first else f"tem-ocop-lo-{batch.pk}.pdf"


# Background preparation of large batches ------------------------------------------


@transaction.atomic
def request_label_sheet(*, batch: StampBatch, by) -> LabelSheet:
    """Someone who may print the labels asks for a large batch's file: the
    one being prepared or ready, or a new one (after a failure or a void)."""
    if not rules.can_download_labels(by, batch):
        raise PermissionDenied(_("You cannot print the labels of this batch."))
    if batch.state != RequestState.APPROVED:
        raise ValidationError(_("Labels exist only for an approved batch."))
    if batch.stamps_left:
        raise ValidationError(
            _("The stamps of this batch are still being created; the labels follow.")
        )
    sheet = LabelSheet.objects.filter(batch=batch).first()
    if sheet is not None and sheet.state != LabelState.FAILED:
        return sheet
    return prepare_label_sheet(batch=batch, by=by)


@transaction.atomic
def prepare_label_sheet(*, batch: StampBatch, by) -> LabelSheet:
    """Queue the rendering of the batch's label sheets (after the current
    transaction commits); a previous file of the batch is discarded."""
    discard_label_sheet(batch=batch)
    total = Stamp.objects.filter(batch=batch, state=StampState.ACTIVE).count()
    sheet = LabelSheet.objects.create(
        batch=batch, total=total, requested_by=by, requested_at=timezone.now()
    )
    transaction.on_commit(lambda: _enqueue(sheet.pk))
    return sheet


def _enqueue(sheet_id: int) -> None:
    from ..tasks import render_label_sheet  # noqa: PLC0415 -- circular import

    render_label_sheet.enqueue(sheet_id)


def build_label_sheet(*, sheet_id: int) -> int:
    """Render a queued label sheet into its file, recording progress; returns
    the number of labels (0 when the sheet was discarded meanwhile)."""
    sheet = LabelSheet.objects.filter(pk=sheet_id).select_related("batch__product__subject").first()
    if sheet is None or sheet.state != LabelState.PENDING:
        return 0
    rows = LabelSheet.objects.filter(pk=sheet_id)
    rows.update(state=LabelState.RUNNING, done=0)

    def progress(done: int, total: int) -> None:
        rows.update(done=done, total=total)

    try:
        pdf = render_labels(batch=sheet.batch, progress=progress)
    except Exception as error:
        rows.update(state=LabelState.FAILED, error=str(error)[:500], finished_at=timezone.now())
        raise
    sheet.file.save(labels_filename(sheet.batch), ContentFile(pdf), save=False)
    updated = rows.filter(state=LabelState.RUNNING).update(
        state=LabelState.READY, file=sheet.file.name, finished_at=timezone.now()
    )
    if not updated:  # stamps were voided while it rendered: the file is stale
        sheet.file.storage.delete(sheet.file.name)
        return 0
    return sheet.total


def discard_label_sheet(*, batch: StampBatch) -> None:
    """Forget a prepared (or preparing) file; the file goes once the
    transaction commits."""
    sheet = LabelSheet.objects.filter(batch=batch).first()
    if sheet is None:
        return
    name, storage = sheet.file.name, sheet.file.storage
    sheet.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
