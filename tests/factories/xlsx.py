"""Hostile workbooks for the tests of bounded reading."""

import io
import zipfile

MB = 1024 * 1024


def inflated(data: bytes, part: str, megabytes: int) -> bytes:
    """``data`` (an .xlsx) with ``part`` replaced by ``megabytes`` MB of one
    repeated shared string: a few hundred KB that unpack to far more."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info.filename))
        with target.open(part, "w", force_zip64=True) as handle:
            handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            block = b"<si><t>" + b"A" * 1000 + b"</t></si>"
            for _ in range(megabytes * MB // len(block)):
                handle.write(block)
            handle.write(b"</sst>")
    return out.getvalue()
