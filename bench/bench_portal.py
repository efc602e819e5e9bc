"""Public catalogue benchmark: `python -m bench.bench_portal` (part of `make bench`).

On the national data sets of ``bench/bench_national.py`` (the same databases,
``ocop_national_1x`` / ``ocop_national_10x`` on ``BENCH_PG``, generated once by
``bench/national.py``; ``BENCH_SCALES``, default ``1,10``), it measures in a
fresh process the server time of the portal's pages for an anonymous visitor
(Django test client, in-process), p50 and p95 over ``BENCH_N`` requests
(default 50) after 5 warm-up requests, with the SQL queries of one request:

* the home page (counts by star, province and group, the newest recognitions);
* the catalogue searched for "mat ong", filtered 4★ and Hà Nội;
* a product page (the certificate's live status, the other products of the
  producer, where to buy — a product carried by a point of sale and listed
  online —, the QR code);
* where to buy: the provinces with their number of points of sale, Hà Nội's
  points of sale (the list with the products each carries) and their map
  markers (JSON);
* a search with a typo ("nuoc nam").

Each page twice: **uncached** (the portal's cache emptied before each request:
what the first visitor after a change gets) and **cached** (what everyone else
gets). The cache is the test settings' local memory; with the database cache
of a default installation a cached page costs two more reads.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.bench_national import ROOT, SEED, run_at_scales


def child(scale: float, out: str) -> None:
    from bench.national import ensure

    start = time.perf_counter()
    found = ensure(scale=scale, seed=SEED)
    print(f"data set ready in {time.perf_counter() - start:.0f} s", file=sys.stderr)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from bench.run import freeze_heap, percentile
    from ocop.portal.domain.queries import catalogue
    from ocop.portal.seo import product_path

    setup_test_environment()
    visitor = Client()
    n = int(os.environ.get("BENCH_N", "50"))
    # A Hà Nội product in force carried by a point of sale and listed online.
    products = (
        catalogue(today=timezone.localdate())
        .filter(province__code="01", points_of_sale__isnull=False, listings__isnull=False)
        .distinct()
        .order_by("id")
    )
    product = products[products.count() // 2]
    cases = [
        ("home", "/", None),
        (
            "search 'mat ong', 4★, Hà Nội",
            "/san-pham/",
            {"q": "mat ong", "star": "4", "province": "01"},
        ),
        ("search 'nuoc nam' (a typo)", "/san-pham/", {"q": "nuoc nam"}),
        ("product page", product_path(product), None),
        ("points of sale: provinces", "/diem-ban/", None),
        ("points of sale: Hà Nội", "/diem-ban/01/", None),
        ("points of sale: Hà Nội map markers", "/diem-ban/01/ban-do.json", None),
    ]

    def measure(path, params, *, cold: bool, count: int):
        times = []
        for _ in range(count):
            if cold:
                cache.clear()
            begin = time.perf_counter()
            response = visitor.get(path, params or {})
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as context:
            visitor.get(path, params or {})
        return times, len(context.captured_queries)

    for _label, path, params in cases:  # warm-up: templates, URL patterns, plans
        measure(path, params, cold=True, count=2)
    freeze_heap()
    results = []
    for label, path, params in cases:
        if path.startswith("/diem-ban/"):  # trade's pages: not in the portal's cache
            measure(path, params, cold=True, count=5)  # warm-up
            times, queries = measure(path, params, cold=True, count=n)
            results.append((label, times, queries))
            continue
        for cold in (True, False):
            measure(path, params, cold=cold, count=5)  # warm-up
            times, queries = measure(path, params, cold=cold, count=n)
            results.append((f"{label} ({'uncached' if cold else 'cached'})", times, queries))
    counts = found["counts"]
    Path(out).write_text(
        json.dumps(
            {
                "scale": scale,
                "products": counts.get("products_product", 0),
                "pages": [
                    {
                        "label": label,
                        "p50": statistics.median(times),
                        "p95": percentile(times, 95),
                        "p99": percentile(times, 99),
                        "queries": queries,
                    }
                    for label, times, queries in results
                ],
            }
        )
    )


def main() -> None:
    runs = run_at_scales("bench.bench_portal")
    print()
    header = f"{'page':<42}"
    for run in runs:
        header += f" {run['scale']:g}× p50 {'p95':>6} {'p99':>6} {'q':>3} "
    if len(runs) == 2:
        header += f" {'ratio p50':>9} {'p95':>5}"
    print(header)
    for i, page in enumerate(runs[0]["pages"]):
        line = f"{page['label']:<42}"
        for run in runs:
            row = run["pages"][i]
            line += f" {row['p50']:>7.1f} {row['p95']:>6.1f} {row.get('p99', 0):>6.1f}"
            line += f" {row['queries']:>3} "
        if len(runs) == 2:
            a, b = runs[0]["pages"][i], runs[1]["pages"][i]
            line += f" {b['p50'] / a['p50']:>9.2f} {b['p95'] / a['p95']:>5.2f}"
        print(line)
    print("\n(times in ms, server side; q = SQL queries of one request)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT / "src"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings.test")
        child(float(sys.argv[2]), sys.argv[3])
    else:
        main()
