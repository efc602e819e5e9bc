"""QR codes of the label sheets as packed 1-bit rows (one bit per module,
1 = dark, rows padded to whole bytes), the layout of a PDF image mask.

Encoding is nearly all the cost of a large label sheet (segno is pure
Python, about 1 ms a code), so above ``PARALLEL_FROM`` codes the work is
shared by worker processes, one per available core, in chunks that come back
in order so that pages are written (and progress reported) as they arrive.

No Django here: the worker processes import only this module and segno.
"""

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import segno

# The mask is fixed instead of evaluated (see labels.py): 4× faster to encode,
# and zbar read blurred low-resolution codes no worse.
MASK = 0
PARALLEL_FROM = 3000
MAX_WORKERS = 4  # leave cores to the web processes on a shared server
CHUNK = 400  # codes per task: ten label pages


def qr_bits(url: str) -> tuple[int, bytes]:
    """(modules per side, packed rows) of the QR code of ``url``."""
    matrix = segno.make(url, error="m", boost_error=False, mask=MASK).matrix
    size = len(matrix)
    padding = "0" * (-size % 8)
    width = (size + len(padding)) // 8
    data = b"".join(
        int("".join("1" if module else "0" for module in row) + padding, 2).to_bytes(width, "big")
        for row in matrix
    )
    return size, data


def _chunk(urls: Sequence[str]) -> list[tuple[int, bytes]]:
    return [qr_bits(url) for url in urls]


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def qr_bits_in_order(
    urls: Sequence[str], *, workers: int | None = None, parallel_from: int = PARALLEL_FROM
) -> Iterator[tuple[int, bytes]]:
    """The codes of ``urls``, in order, computed as they are consumed."""
    workers = min(available_cores(), MAX_WORKERS) if workers is None else workers
    if workers < 2 or len(urls) < parallel_from:
        for url in urls:
            yield qr_bits(url)
        return
    chunks = [urls[i : i + CHUNK] for i in range(0, len(urls), CHUNK)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for codes in pool.map(_chunk, chunks):
            yield from codes
