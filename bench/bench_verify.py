"""Benchmark of the public verification page: `python -m bench.bench_verify`.

The page is what a consumer's phone opens when scanning an OCOP stamp, so it
is measured the way it is served: gunicorn (2 sync workers, one per core of
the benchmark machine) on a throw-away database, loaded by `wrk` from a
second process over loopback (keep-alive, 8 connections). The same server
also serves a minimal Django view (same settings and middleware, returns
"ok"); **the figure is the ratio verification / minimal** of requests per
second (aim ≥ 0.6), with p99 latency of both. Each verification request
scans a random one of 1,000 real stamps (so it also writes the scan log).

It then times the label sheet PDF of a 10,000-stamp batch.

Both views run with persistent database connections (CONN_MAX_AGE = 60 s,
see verify_settings.py), as a production server would; on SQLite the base
settings would otherwise open a connection per request.

Needs `wrk` (Debian package `wrk`). BENCH_SECONDS (default 15) sets the
length of each load run; DATABASE_URL selects PostgreSQL instead of SQLite.
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
import urllib.request

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.verify_settings"

from bench.run import ROOT

SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
STAMPS_SCANNED = 1000
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
LABELS = int(os.environ.get("BENCH_LABELS", "10000"))


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
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*", out)
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * factor,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("bench_verify needs wrk: apt-get install wrk")
    import django

    django.setup()
    from django.conf import settings

    from ocop.stamps.domain.labels import render_labels
    from ocop.stamps.domain.links import stamp_url
    from ocop.stamps.models import Stamp

    product, (scanned, labelled) = build_data()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    prefix = settings.SITE_URL.rstrip("/")
    paths = [
        stamp_url(token=t, gtin=product.gtin).removeprefix(prefix)
        for t in Stamp.objects.filter(batch=scanned).values_list("token", flat=True)
    ]
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "bench.verify_settings",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.verify_wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_ready(f"{base}/bench/minimal")
        with urllib.request.urlopen(base + paths[0]) as response:
            body = response.read().decode()
            assert product.name in body, "the verification page does not show the product"
        run_wrk(base, ["/bench/minimal"])  # warm-up of both workers
        minimal = run_wrk(base, ["/bench/minimal"])
        verify = run_wrk(base, paths)
    finally:
        server.terminate()
        server.wait(timeout=20)
    scans = Stamp.objects.filter(batch=scanned).values_list("scan_count", flat=True)

    start = time.perf_counter()
    pdf = render_labels(batch=labelled)
    label_seconds = time.perf_counter() - start
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"# Verification page — {platform.node()}, {os.cpu_count()} cores, {engine}")
    print(f"gunicorn 2 sync workers; wrk -t2 -c{CONNECTIONS} -d{SECONDS}s over loopback")
    conn_max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
    print(f"persistent database connections for both views (CONN_MAX_AGE={conn_max_age})")
    print(f"{'view':<28}{'requests/s':>12}{'p99 ms':>10}{'non-2xx':>9}")
    for name, r in (("minimal Django view", minimal), ("verification (stamp scan)", verify)):
        figures = f"{r['rps']:>12.0f}{r['p99_ms']:>10.1f}{r['non_2xx']:>9}"
        print(f"{name:<28}{figures}  {r['socket_errors']}")
    print(f"ratio verification/minimal: {verify['rps'] / minimal['rps']:.2f} (aim ≥ 0.6)")
    print(f"scans logged: {sum(scans)} over {len(paths)} stamps")
    print(
        f"label sheet PDF, {LABELS} stamps: {label_seconds:.1f} s, {pages} pages, "
        f"{len(pdf) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
