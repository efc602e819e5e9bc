"""The font of the serials on the label sheets, embedded in the PDF.

A standard PDF font (Courier-Bold) is not embedded: each reader or printer
substitutes a font of its own, which a printed security label must not
leave to chance. The serials are printed in Liberation Mono Bold (Debian
fonts-liberation2; Courier's metrics, 0.6 em a character), embedded as a
subset of printable ASCII (serials and the sheet footer are ASCII): a
simple TrueType font with WinAnsi encoding, a few kilobytes, shared by all
pages. ``OCOP_LABEL_SERIAL_FONT`` names the file.
"""

import io
from functools import lru_cache

import pydyf
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FIRST, LAST = 32, 126  # printable ASCII
SUBSET_TAG = "OCOPSR"  # the six capitals PDF puts before a subset font's name
FIXED_PITCH, NONSYMBOLIC = 1, 32


def serial_font(pdf):
    """Add the embedded serial font to ``pdf`` (a pydyf PDF); return its
    font dictionary (use its ``reference`` in a page's resources)."""
    data, info = _subset(settings.OCOP_LABEL_SERIAL_FONT)
    file = pydyf.Stream([data], pydyf.Dictionary({"Length1": len(data)}), compress=True)
    pdf.add_object(file)
    name = f"/{SUBSET_TAG}+{info['name']}"
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": name,
            "Flags": FIXED_PITCH | NONSYMBOLIC,
            "FontBBox": pydyf.Array(info["bbox"]),
            "ItalicAngle": 0,
            "Ascent": info["ascent"],
            "Descent": info["descent"],
            "CapHeight": info["cap_height"],
            "StemV": 120,
            "FontFile2": file.reference,
        }
    )
    pdf.add_object(descriptor)
    font = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/TrueType",
            "BaseFont": name,
            "FirstChar": FIRST,
            "LastChar": LAST,
            "Widths": pydyf.Array(info["widths"]),
            "Encoding": "/WinAnsiEncoding",
            "FontDescriptor": descriptor.reference,
        }
    )
    pdf.add_object(font)
    return font


@lru_cache(maxsize=2)
def _subset(path: str) -> tuple[bytes, dict]:
    """The subset font file and the metrics its PDF dictionaries need
    (PDF glyph space: 1000 units an em)."""
    from fontTools import subset  # noqa: PLC0415 -- slow import, only for label sheets
    from fontTools.ttLib import TTFont  # noqa: PLC0415 -- slow import, only for label sheets

    try:
        font = TTFont(path)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"The label serial font {path!r} cannot be read ({exc}): install Debian's "
            "fonts-liberation2 or set OCOP_LABEL_SERIAL_FONT to a monospaced TrueType font."
        ) from exc
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = []
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=range(FIRST, LAST + 1))
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    head, os2 = font["head"], font["OS/2"]
    info = {
        "name": font["name"].getDebugName(6).replace(" ", ""),
        "widths": [
            round(font["hmtx"][cmap[code]][0] * scale) if code in cmap else 0
            for code in range(FIRST, LAST + 1)
        ],
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(os2.sTypoAscender * scale),
        "descent": round(os2.sTypoDescender * scale),
        "cap_height": round(getattr(os2, "sCapHeight", os2.sTypoAscender) * scale),
    }
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), info
