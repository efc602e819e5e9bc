"""Growth benchmark: `python -m bench.bench_national` (part of `make bench`).

For each size (1× and 10×, ``BENCH_SCALES``) it loads the national data set
into its own PostgreSQL database (``ocop_national_1x``, ``ocop_national_10x``
on ``BENCH_PG``, default ``postgres://postgres@127.0.0.1:5432``; generated once
by ``bench/national.py`` and reused while its marker says the same seed and
scale), then measures in a fresh process the server time of the main pages
(Django test client, in-process: no network, no browser), p50, p95 and p99
over ``BENCH_N`` requests (default 50) after 5 warm-up requests, with the SQL
queries of one request. The sizes are measured in turn, ``BENCH_ROUNDS``
times (default 3: 1×, 10×, 1×, 10×, 1×, 10×), each page's samples pooled per
size. It prints both sizes side by side and the ratio 10× / 1× of the p50
and p95.

The pages, and who reads them:
* the central office (whole country) and Hà Nội's provincial officer (the
  largest province): product list filtered by star, product search, subject
  list filtered by legal form, subject search;
* "my tasks" of Hà Nội's provincial officer and of the commune officer of
  Hà Nội's busiest commune;
* the scoring page of an open session (9 members × 60 products, the same
  size at both scales: built with the domain functions, see
  bench/bench_evaluation.py), as a member;
* the public verification page of a stamp (each request is a scan of a
  different stamp, so it writes the scan log) and of a certificate.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_TITLE = "Phiên đo hiệu năng (bench)"
SEED = int(os.environ.get("BENCH_SEED", "42"))


def database_url(scale: float) -> str:
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{base}/ocop_national_{scale:g}x"


def create_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def scoring_session():
    """The open session of the scoring page (built once per database)."""
    from bench.bench_evaluation import build_session, fill_all
    from ocop.accounts.models import User
    from ocop.criteria.domain.queries import sheet_spec, sheet_with_tree
    from ocop.criteria.models import Sheet
    from ocop.evaluation.models import Council, Scoresheet, Session
    from ocop.products.models import Product

    council = Council.objects.get(level="province", unit__code="01", unit__era="2025")
    members = list(council.members.select_related("user").order_by("id"))
    session = Session.objects.filter(title=BENCH_TITLE).first()
    if session is None:
        sheet = Sheet.objects.filter(superseded_by__isnull=True, code__startswith="148").first()
        sheet = sheet or Sheet.objects.filter(superseded_by__isnull=True).first()
        tree = sheet_with_tree(sheet.pk)
        products = list(
            Product.objects.filter(province=council.unit, status="none").order_by("id")[:60]
        )
        products += list(
            Product.objects.filter(province=council.unit, status="certified").order_by("id")[
                : 60 - len(products)
            ]
        )
        session = build_session(
            officer=User.objects.get(username="tinh.01"),
            council=council,
            members=members,
            sheet=sheet,
            products=products,
            title=BENCH_TITLE,
        )
        fill_all(
            session,
            sheet_spec(tree),
            {c.code: c.pk for c in tree.criteria.all()},
            last_member=members[-1],
        )
    sheet = (
        Scoresheet.objects.filter(item__session=session, member=members[-1])
        .order_by("item__order")
        .first()
    )
    return members[-1].user, f"/evaluation/scoresheets/{sheet.pk}/"


def child(scale: float, out: str) -> None:
    """Load (if needed) and measure one size; the figures go to ``out`` (JSON)."""
    os.environ["OCOP_VERIFY_RATE_LIMIT"] = str(10**9)  # measure the page, not the limit
    from bench.national import ensure

    start = time.perf_counter()
    found = ensure(scale=scale, seed=SEED)
    print(f"data set ready in {time.perf_counter() - start:.0f} s", file=sys.stderr)

    from django.db import connection
    from django.db.models import Count, F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from bench.run import freeze_heap, percentile
    from ocop.accounts.models import User
    from ocop.certification.models import Certificate
    from ocop.cycles.models import Dossier
    from ocop.stamps.models import Stamp

    setup_test_environment()
    clients = {}
    for username in ["tw.canbo", "tinh.01"]:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    busiest = (
        Dossier.objects.filter(province__code="01", province__era="2025")
        .exclude(state__in=["evaluated", "draft"])
        .values("commune__code")
        .annotate(n=Count("id"))
        .order_by("-n", "commune__code")
        .first()
    )
    commune_officer = Client()
    commune_officer.force_login(User.objects.get(username=f"xa.{busiest['commune__code']}"))
    member, scoring_page = scoring_session()
    scorer = Client()
    scorer.force_login(member)
    anonymous = Client()
    n = int(os.environ.get("BENCH_N", "50"))
    # Stamps of valid certificates, spread over the table (each request scans a new one).
    stamp_count = Stamp.objects.count()
    step = max(1, stamp_count // (n + 10))
    stamp_tokens = list(
        Stamp.objects.filter(batch__certificate__status="valid")
        .annotate(slot=F("id") % step)
        .filter(slot=0)
        .order_by("id")
        .values_list("token", flat=True)[: n + 10]
    )
    certificate = Certificate.objects.filter(status="valid").order_by("id")[
        Certificate.objects.filter(status="valid").count() // 2
    ]

    central, province = clients["tw.canbo"], clients["tinh.01"]
    cases = [
        ("central: products, 4★ filter", central, "/products/", {"star": 4}),
        ("central: products, search 'nuoc mam'", central, "/products/", {"q": "nuoc mam"}),
        ("central: subjects, HTX filter", central, "/subjects/", {"legal_form": "htx"}),
        ("central: subjects, search 'hop tac xa'", central, "/subjects/", {"q": "hop tac xa"}),
        ("Hà Nội: products, 4★ filter", province, "/products/", {"star": 4}),
        ("Hà Nội: products, search 'mat ong'", province, "/products/", {"q": "mat ong"}),
        ("Hà Nội: subjects, HTX filter", province, "/subjects/", {"legal_form": "htx"}),
        ("Hà Nội officer: my tasks", province, "/tasks/", None),
        ("commune officer: my tasks", commune_officer, "/tasks/", None),
        ("council member: scoring page", scorer, scoring_page, None),
        ("public: certificate page", anonymous, f"/c/{certificate.token}", None),
    ]
    results = []

    def measure(label, client, paths, params):
        times = []
        for path in paths:
            begin = time.perf_counter()
            response = client.get(path, params or {})
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (label, path, response.status_code)
        with CaptureQueriesContext(connection) as context:
            client.get(paths[-1], params or {})
        return times, len(context.captured_queries)

    for label, client, path, params in cases:
        measure(label, client, [path] * 5, params)  # warm-up
    freeze_heap()
    for label, client, path, params in cases:
        measure(label, client, [path] * 5, params)  # warm-up
        times, queries = measure(label, client, [path] * n, params)
        results.append((label, times, queries))
    stamp_paths = [f"/s/{t}" for t in stamp_tokens]
    measure("stamp", anonymous, stamp_paths[:5], None)
    times, queries = measure("stamp", anonymous, stamp_paths[5 : 5 + n], None)
    results.append(("public: stamp scan (writes a scan)", times, queries))

    counts = found["counts"]
    Path(out).write_text(
        json.dumps(
            {
                "scale": scale,
                "counts": {
                    k: counts.get(k, 0)
                    for k in [
                        "producers_subject",
                        "products_product",
                        "cycles_dossier",
                        "evaluation_scoresheet",
                        "certification_certificate",
                        "stamps_stamp",
                        "stamps_scan",
                    ]
                },
                "pages": [
                    {
                        "label": label,
                        "p50": statistics.median(times),
                        "p95": percentile(times, 95),
                        "p99": percentile(times, 99),
                        "queries": queries,
                        "times": times,
                    }
                    for label, times, queries in results
                ],
            }
        )
    )


def run_at_scales(child_module: str, *, rounds: int = 1) -> list[dict]:
    """Generate the national data at each scale of ``BENCH_SCALES`` and run
    ``child_module --child SCALE OUT`` against it; the children's results.

    With ``rounds`` > 1 the sizes are measured in turn (1×, 10×, 1×, 10×, …)
    and the samples of each page are pooled per size (``pool``): a slow
    minute of the machine then weighs on both sizes alike instead of on the
    one measured during it (one run after another, the same page's ratio
    moved by up to 0.4 between runs: docs/benchmarks.md)."""
    scales = [float(s) for s in os.environ.get("BENCH_SCALES", "1,10").split(",")]
    print(
        f"Machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, PostgreSQL; seed {SEED}, "
        f"n={os.environ.get('BENCH_N', '50')}, rounds={rounds}"
    )
    envs = {}
    for scale in scales:
        url = database_url(scale)
        create_database(url)
        envs[scale] = dict(os.environ, DATABASE_URL=url)
        # Load first, then measure in a fresh process: the generator's heap
        # would otherwise slow the measured requests (garbage collection).
        subprocess.run(
            [sys.executable, "-m", "bench.national", "--scale", f"{scale:g}", "--seed", str(SEED)],
            cwd=ROOT,
            env=envs[scale],
            check=True,
        )
    measured = {scale: [] for scale in scales}
    for _ in range(rounds):
        for scale in scales:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                subprocess.run(
                    [sys.executable, "-m", child_module, "--child", f"{scale:g}", out.name],
                    cwd=ROOT,
                    env=envs[scale],
                    check=True,
                )
                measured[scale].append(json.loads(Path(out.name).read_text()))
    return [pool(measured[scale]) for scale in scales]


def pool(runs: list[dict]) -> dict:
    """One size's runs as one: each page's samples (``times``) pooled and its
    percentiles taken again; the rest as the last run had it."""
    from bench.run import percentile

    pooled = dict(runs[-1])
    pages = []
    for i, page in enumerate(runs[-1]["pages"]):
        page = dict(page)
        if "times" in page:
            times = [t for run in runs for t in run["pages"][i]["times"]]
            page.update(
                times=times,
                p50=statistics.median(times),
                p95=percentile(times, 95),
                p99=percentile(times, 99),
            )
        pages.append(page)
    pooled["pages"] = pages
    return pooled


def main() -> None:
    runs = run_at_scales("bench.bench_national", rounds=int(os.environ.get("BENCH_ROUNDS", "3")))
    print()
    for run in runs:
        counts = ", ".join(f"{k.split('_', 1)[1]} {v:,}" for k, v in run["counts"].items())
        print(f"{run['scale']:g}×: {counts}")
    header = f"\n{'page':<40}"
    for run in runs:
        header += f" {run['scale']:g}× p50 {'p95':>6} {'p99':>6} {'q':>3} "
    if len(runs) == 2:
        header += f" {'ratio p50':>9} {'p95':>5}"
    print(header)
    for i, page in enumerate(runs[0]["pages"]):
        line = f"{page['label']:<40}"
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
