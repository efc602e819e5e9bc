"""Benchmark of the public verification page: `python -m bench.bench_verify`.

The page is what a consumer's phone opens when scanning an OCOP stamp, so it
is measured the way it is served: gunicorn (2 sync workers, one per core of
the benchmark machine) on a throw-away database, loaded by `wrk` from a
second process over loopback (keep-alive, 32 connections: BENCH_CONNECTIONS).
The same server also serves a minimal Django view (same settings and
middleware, returns "ok"); **the figure is the ratio verification / minimal**
of requests per second (aim ≥ 0.8 on SQLite, ≥ 0.6 on PostgreSQL), with the
p99 latency of both (aim < 50 ms); each view is loaded BENCH_ROUNDS times (3),
the views in turn, and its median is taken. Each verification request scans a random
one of 1,000 real stamps (so it also queues the scan log); the scans logged
after the server's graceful stop are counted against wrk's answered requests.

* ``BENCH_VERIFY_NATIONAL=10``: the stamps are 1,000 random stamps of the 10×
  national data set (``ocop_national_10x`` on ``BENCH_PG``, built beforehand
  by ``python -m bench.national --scale 10``; never built here), as printed on
  their labels; no label sheet.
* ``BENCH_VERIFY_REDIS=redis://127.0.0.1:6379/15``: a second server with the
  scan buffer in Redis (``OCOP_SCAN_BUFFER_URL``, a key prefix of its own,
  deleted after), its ratio printed beside the local buffer's, and what its
  graceful stop left in Redis (0 expected).

It then times the label sheet PDF of a 10,000-stamp batch (BENCH_LABELS).

The verification page is served through the lean middleware stack
(``ocop.core.lean``: no session, user, CSRF, messages…), the minimal view
through the whole one. For reading the figure, the same minimal view served
through the lean stack is measured too and the page's throughput is printed
as a share of it (no aim: it is the page's own work beside the framework's).

Both views run with persistent database connections (CONN_MAX_AGE = 60 s,
see verify_settings.py), as a production server would; on SQLite the base
settings would otherwise open a connection per request.

Needs `wrk` (Debian package `wrk`). BENCH_SECONDS (default 15) sets the
length of each load run; ``--pg`` serves a new PostgreSQL database
(``ocop_bench_verify`` on ``BENCH_PG``, default the local server) instead of
SQLite (or give DATABASE_URL).
"""

import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.verify_settings"

from bench.bench_national import SEED, database_url
from bench.run import ROOT

SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
STAMPS_SCANNED = 1000
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
# Each view is loaded ROUNDS times, the three views in turn; the median
# requests/s of its rounds is its figure (one 15-second run moves by ±5 %).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
LABELS = int(os.environ.get("BENCH_LABELS", "10000"))
# BENCH_VERIFY_NATIONAL=10: serve the 10× national data set (ocop_national_10x
# on BENCH_PG, built by `python -m bench.national --scale 10`) instead of a
# throw-away database; random stamps of the whole table, no label sheet.
NATIONAL = float(os.environ.get("BENCH_VERIFY_NATIONAL", "0") or 0)
# BENCH_VERIFY_REDIS=redis://127.0.0.1:6379/15: a second server with the scan
# buffer in Redis (OCOP_SCAN_BUFFER_URL), its ratio printed beside the local's.
REDIS_URL = os.environ.get("BENCH_VERIFY_REDIS", "")


VIEWS = {
    "minimal": "minimal Django view",
    "verify": "verification (stamp scan)",
    "lean": "minimal view, lean stack",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_data():
    """A certified product, a producer and an officer, and two approved
    stamp batches (1,000 stamps scanned, 10,000 for the label sheet) made
    through the real domain functions."""
    from django.core.management import call_command
    from django.utils import timezone

    from ocop.accounts.models import RoleAssignment, User
    from ocop.certification.domain.rules import valid_until_for
    from ocop.certification.enums import CertificateSource
    from ocop.certification.models import Certificate
    from ocop.geo.models import AdminUnit
    from ocop.producers.enums import LegalForm
    from ocop.producers.models import Subject
    from ocop.products.enums import OcopStatus
    from ocop.products.models import Product
    from ocop.stamps.domain.batches import request_stamps, set_batch_state
    from ocop.stamps.domain.making import make_stamps

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_admin_units", province=["38"], verbosity=0)
    call_command("load_calendar", verbosity=0)
    call_command("load_product_categories", verbosity=0)
    call_command("load_certification_rules", verbosity=0)

    province = AdminUnit.objects.get(era="2025", level="province", code="38")
    commune = AdminUnit.objects.filter(era="2025", level="commune", parent=province).first()
    subject = Subject.objects.create(
        name="Hợp tác xã Nước mắm Đồng Tâm",
        legal_form=LegalForm.COOPERATIVE,
        registration_number="2800000001",
        commune=commune,
        province=province,
    )
    issued = timezone.localdate().replace(day=1)
    product = Product.objects.create(
        subject=subject,
        name="Nước mắm cốt Đồng Tâm",
        commune=commune,
        province=province,
        status=OcopStatus.CERTIFIED,
        star=4,
        certified_until=valid_until_for(issued_on=issued),
        gtin="8930000000019",
    )
    Certificate.objects.create(
        product=product,
        number="01/2026/GCN-OCOP",
        star=4,
        decision_number="100/QĐ-UBND",
        decision_date=issued,
        valid_until=valid_until_for(issued_on=issued),
        source=CertificateSource.DECISION,
        authority_level="province",
    )
    producer = User.objects.create(username="bench.producer", full_name="Chủ thể")
    RoleAssignment.objects.create(user=producer, role="producer", subject=subject)
    officer = User.objects.create(username="bench.officer", full_name="Cán bộ tỉnh")
    RoleAssignment.objects.create(user=officer, role="province_officer", unit=province)

    batches = []
    for quantity in (STAMPS_SCANNED, LABELS):
        batch = request_stamps(product=product, quantity=quantity, by=producer)
        batch = set_batch_state(batch=batch, action="approve", by=officer)
        if batch.stamps_left:  # above OCOP_STAMPS_BACKGROUND_MIN: made here, not by a worker
            make_stamps(batch_id=batch.pk)
        batches.append(batch)
    return product, batches


def wait_ready(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer {url}")


def run_wrk(base: str, paths: list[str]) -> dict:
    lua = "paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
    lua += "request = function() return wrk.format(nil, paths[math.random(#paths)]) end\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", f.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {
        "rps": rps,
        "requests": requests,
        "p99_ms": float(p99.group(1)) * factor,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def national_paths() -> list[str]:
    """1,000 random stamps of the national data set, as printed on their
    labels (GS1 Digital Link with the batch's GTIN and lot, when it has them)."""
    from django.conf import settings
    from django.db import connection

    from ocop.stamps.domain.links import stamp_url
    from ocop.stamps.models import Stamp

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM stamps_stamp TABLESAMPLE SYSTEM (0.05) REPEATABLE (%s) LIMIT %s",
            [SEED, STAMPS_SCANNED],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    if not ids:
        raise SystemExit(
            f"no stamps in {settings.DATABASES['default']['NAME']}: build the national data "
            f"set first (python -m bench.national --scale {NATIONAL:g})"
        )
    prefix = settings.SITE_URL.rstrip("/")
    stamps = Stamp.objects.filter(pk__in=ids).select_related("batch__production_batch")
    return [
        stamp_url(
            token=stamp.token,
            gtin=stamp.batch.gtin,
            lot=stamp.batch.production_batch.lot_code if stamp.batch.production_batch else "",
        ).removeprefix(prefix)
        for stamp in stamps.order_by("pk")
    ]


def serve(port: int, *, redis_url: str = "", prefix: str = "") -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "bench.verify_settings",
        "OCOP_SCAN_BUFFER_URL": redis_url,
        "OCOP_SCAN_BUFFER_PREFIX": prefix,
    }
    command = [sys.executable, "-m", "gunicorn", "bench.verify_wsgi:application", "-w", "2"]
    command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    return subprocess.Popen(command, env=env, cwd=ROOT)


def measure(paths: list[str], *, shows: str, redis_url: str = "") -> dict:
    """One server (local or Redis scan buffer): the minimal view, then the
    verification page; the server is stopped gracefully (TERM) after."""
    from ocop.stamps.domain.redisbuffer import RedisBuffer
    from ocop.stamps.models import Scan

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    prefix = f"ocop-bench:{uuid.uuid4().hex}" if redis_url else ""
    before = Scan.objects.order_by("-id").values_list("id", flat=True).first() or 0
    server = serve(port, redis_url=redis_url, prefix=prefix)
    try:
        wait_ready(f"{base}/bench/minimal")
        try:
            with urllib.request.urlopen(base + paths[0]) as response:
                body = response.read().decode()
        except urllib.error.HTTPError as answer:  # a void stamp of the national set: 410
            body = answer.read().decode()
        assert shows in body, "the verification page does not show the product"
        run_wrk(base, ["/bench/minimal"])  # warm-up of both workers
        runs = {name: [] for name in VIEWS}
        for _round in range(ROUNDS):  # in turn, so that a slow moment hits all three
            runs["minimal"].append(run_wrk(base, ["/bench/minimal"]))
            runs["verify"].append(run_wrk(base, paths))
            runs["lean"].append(run_wrk(base, ["/s/bench-lean-minimal"]))
    finally:
        server.terminate()
        server.wait(timeout=60)
    left = 0
    if redis_url:  # what a graceful stop left in Redis (0 expected), then cleaned up
        buffer = RedisBuffer(url=redis_url, prefix=prefix)
        left = buffer.waiting()
        buffer.flush()
        buffer.discard()
    logged = Scan.objects.filter(id__gt=before).count()
    return {
        **{name: median_run(found) for name, found in runs.items()},
        "logged": logged,
        "left": left,
    }


def median_run(found: list[dict]) -> dict:
    """The rounds of one view: the median requests/s, the worst p99, every
    non-2xx answer and socket error, and every request (for the scan count)."""
    rates = sorted(r["rps"] for r in found)
    return {
        "rps": rates[len(rates) // 2],
        "rates": [r["rps"] for r in found],
        "requests": sum(r["requests"] for r in found),
        "p99_ms": max(r["p99_ms"] for r in found),
        "non_2xx": sum(r["non_2xx"] for r in found),
        "socket_errors": " ".join(r["socket_errors"] for r in found if r["socket_errors"]),
    }


def fresh_pg_database() -> str:
    """``--pg``: a new database ``ocop_bench_verify`` on ``BENCH_PG``."""
    import psycopg

    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute('DROP DATABASE IF EXISTS "ocop_bench_verify"')
        connection.execute('CREATE DATABASE "ocop_bench_verify"')
    return f"{server}/ocop_bench_verify"


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("bench_verify needs wrk: apt-get install wrk")
    if NATIONAL:
        os.environ["DATABASE_URL"] = database_url(NATIONAL)
    elif "--pg" in sys.argv[1:]:
        os.environ["DATABASE_URL"] = fresh_pg_database()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from ocop.stamps.domain.labels import render_labels
    from ocop.stamps.domain.links import stamp_url
    from ocop.stamps.models import Stamp

    if NATIONAL:
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)  # the production settings' cache
        paths = national_paths()
        shows = "<html"
        labelled = None
    else:
        product, (scanned, labelled) = build_data()
        prefix = settings.SITE_URL.rstrip("/")
        paths = [
            stamp_url(token=t, gtin=product.gtin).removeprefix(prefix)
            for t in Stamp.objects.filter(batch=scanned).values_list("token", flat=True)
        ]
        shows = product.name
    connection.close()  # the servers' workers open their own
    runs = {"local buffer": measure(paths, shows=shows)}
    if REDIS_URL:
        runs["Redis buffer"] = measure(paths, shows=shows, redis_url=REDIS_URL)

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    data = f"{NATIONAL:g}× national data" if NATIONAL else "1,000 stamps of one product"
    print(f"# Verification page — {platform.node()}, {os.cpu_count()} cores, {engine}, {data}")
    print(
        f"gunicorn 2 sync workers; wrk -t2 -c{CONNECTIONS} -d{SECONDS}s over loopback, "
        f"{ROUNDS} rounds of the three views in turn: median requests/s, worst p99"
    )
    conn_max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    print(f"persistent database connections for both views (CONN_MAX_AGE={conn_max_age})")
    print(f"{'scan buffer':<14}{'view':<28}{'requests/s':>12}{'p99 ms':>10}{'non-2xx':>9}")
    for buffer, run in runs.items():
        for name, label in VIEWS.items():
            r = run[name]
            figures = f"{r['rps']:>12.0f}{r['p99_ms']:>10.1f}{r['non_2xx']:>9}"
            rounds = "/".join(f"{rate:.0f}" for rate in r["rates"])
            print(f"{buffer:<14}{label:<28}{figures}  rounds {rounds} {r['socket_errors']}")
    for buffer, run in runs.items():
        ratio = run["verify"]["rps"] / run["minimal"]["rps"]
        print(
            f"ratio verification/minimal, {buffer}: {ratio:.2f} (aim ≥ 0.8 on SQLite, "
            f"≥ 0.6 on PostgreSQL); p99 {run['verify']['p99_ms']:.1f} ms (aim < 50)"
        )
    for buffer, run in runs.items():
        lean = run["verify"]["rps"] / run["lean"]["rps"]
        print(
            f"for reading, {buffer}: verification / the minimal view through the lean stack "
            f"{lean:.2f} (the page's own work; no aim)"
        )
    for buffer, run in runs.items():
        answered = run["verify"]["requests"]
        extra = f", left in Redis after the graceful stop: {run['left']}" if REDIS_URL else ""
        print(
            f"scans logged, {buffer}: {run['logged']} for {answered} answered scans "
            f"(wrk's count; the requests cut at the end of each of the {ROUNDS} runs, up to "
            f"{CONNECTIONS} a run, are answered but not counted by wrk){extra}"
        )
    if labelled is None:
        return
    start = time.perf_counter()
    pdf = render_labels(batch=labelled)
    label_seconds = time.perf_counter() - start
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"label sheet PDF, {LABELS} stamps: {label_seconds:.1f} s, {pages} pages, "
        f"{len(pdf) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
