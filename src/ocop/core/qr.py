"""QR codes (segno) for stamps, certificates and registrations."""


def _make(data: str):
    import segno  # noqa: PLC0415 -- slow import

    return segno.make(data, error="m", boost_error=False)


def qr_svg_data_uri(data: str, *, scale: int = 4, border: int = 2) -> str:
    """A ``data:image/svg+xml`` URI, for ``<img src>`` in pages and PDFs."""
    return _make(data).svg_data_uri(scale=scale, border=border, dark="#000000")


def qr_png_bytes(data: str, *, scale: int = 6, border: int = 2) -> bytes:
    import io  # noqa: PLC0415 -- leaf

    buf = io.BytesIO()
    _make(data).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()
