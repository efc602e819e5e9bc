"""The fonts of a PDF as poppler's ``pdffonts`` lists them (name without the
subset tag, type, embedded): documents must embed every font they use.
``plain`` is the name without hyphens (WeasyPrint writes "Liberation-Serif-Bold"
for the PostScript name "LiberationSerif-Bold")."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader


def pdf_fonts(pdf: bytes) -> list[dict]:
    tool = shutil.which("pdffonts")
    assert tool, "poppler-utils must be installed (pdffonts)"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(  # noqa: S603 -- fixed arguments, tool checked above
            [tool, str(path)], check=True, capture_output=True, text=True
        ).stdout
    lines = out.splitlines()
    widths = [len(dashes) for dashes in lines[1].split(" ")]
    fonts = []
    for line in lines[2:]:
        cells, start = [], 0
        for width in widths:
            cells.append(line[start : start + width].strip())
            start += width + 1
        name = cells[0].split("+", 1)[-1]
        fonts.append(
            {
                "name": name,
                "plain": name.replace("-", ""),
                "type": cells[1],
                "emb": cells[3] == "yes",
            }
        )
    return fonts


def not_embedded(pdf: bytes) -> list[dict]:
    return [font for font in pdf_fonts(pdf) if not font["emb"]]


def assert_administrative_fonts(pdf: bytes) -> None:
    """An administrative document (Decree 30/2020): every font embedded, the
    text set in Liberation Serif (the metrics of Times New Roman), tagged."""
    assert not_embedded(pdf) == []
    names = {font["plain"] for font in pdf_fonts(pdf)}
    assert "LiberationSerif" in names, names
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert root.get("/MarkInfo") is not None, "the PDF is not tagged"
