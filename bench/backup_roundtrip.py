"""Backup and restore round trip on the 1× national data set:
`python -m bench.backup_roundtrip` (part of `make bench`, after
bench/bench_national.py has loaded ``ocop_national_1x``).

1. On the loaded database, note the verdict of the verification page for
   a sample of stamps (``BENCH_SAMPLE``, default 300, spread over the table)
   and of certificates (valid, expired, revoked and superseded ones).
2. ``manage.py backup DIR`` (pg_dump custom format + stored files + manifest).
3. ``manage.py restore DIR --noinput`` into a new, empty database
   (``ocop_national_1x_restored``) with its own media directory; the command
   itself refuses a damaged backup and checks every table's row count.
4. On the restored database: every table's row count equals the manifest's;
   the same stamps and certificates get the same verdict (outcome, serial,
   product, certificate number and star); one stamp and one certificate page
   answer 200 "valid" through the public URL.

Prints the sizes and times; exits non-zero on any difference.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_national import create_database, database_url

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-24"  # the generator's "today": verdicts are judged on that day


def manage(*args, env) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def verdicts(sample_file: Path | None) -> dict:
    """Child process: the sample's verdicts (choosing the sample if no file)."""
    import django

    django.setup()
    from datetime import date

    from django.db.models import F

    from ocop.certification.models import Certificate
    from ocop.core.backup import row_counts
    from ocop.stamps.domain.verify import verify
    from ocop.stamps.models import Stamp

    if sample_file is None:
        size = int(os.environ.get("BENCH_SAMPLE", "300"))
        step = max(1, Stamp.objects.count() // size)
        stamps = list(
            Stamp.objects.annotate(slot=F("id") % step)
            .filter(slot=0)
            .order_by("id")
            .values_list("token", flat=True)[:size]
        )
        certificates = []
        for status in ["valid", "expired", "revoked", "superseded"]:
            certificates += list(
                Certificate.objects.filter(status=status)
                .order_by("id")
                .values_list("token", flat=True)[: size // 4]
            )
        paths = [f"/s/{t}" for t in stamps] + [f"/c/{t}" for t in certificates]
    else:
        paths = json.loads(sample_file.read_text())["paths"]
    today = date.fromisoformat(TODAY)
    found = {}
    for path in paths:
        result = verify(path, today=today)
        found[path] = [
            str(result.outcome),
            getattr(result.stamp, "serial", None),
            getattr(result.product, "name", None),
            getattr(result.certificate, "number", None),
            getattr(result.certificate, "star", None),
        ]
    return {"paths": paths, "verdicts": found, "counts": row_counts()}


def child(out: str, sample: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings.test")
    result = verdicts(Path(sample) if sample != "-" else None)
    if os.environ.get("ROUNDTRIP_PAGES"):
        from django.test import Client

        client = Client()
        for kind in ("/s/", "/c/"):
            path = next(
                p for p, v in result["verdicts"].items() if p.startswith(kind) and v[0] == "valid"
            )
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            result.setdefault("pages", []).append([path, response.status_code])
    Path(out).write_text(json.dumps(result))


def run_child(env, sample: Path | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.backup_roundtrip",
                "--child",
                out.name,
                str(sample or "-"),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return json.loads(Path(out.name).read_text())


def main() -> None:
    source_url = database_url(1)
    target_url = source_url + "_restored"
    env = dict(os.environ, DATABASE_URL=source_url, OCOP_VERIFY_RATE_LIMIT=str(10**9))
    work = Path(tempfile.mkdtemp(prefix="ocop-roundtrip-"))
    try:
        before = run_child(env, None)
        sample = work / "sample.json"
        sample.write_text(json.dumps({"paths": before["paths"]}))
        stamps = sum(p.startswith("/s/") for p in before["paths"])
        print(
            f"sample: {stamps} stamps, {len(before['paths']) - stamps} certificates; "
            f"{sum(before['counts'].values()):,} rows in {len(before['counts'])} tables"
        )

        start = time.perf_counter()
        manage("backup", str(work / "backup"), env=env)
        backup_s = time.perf_counter() - start
        size = sum(f.stat().st_size for f in (work / "backup").iterdir())
        print(f"backup: {backup_s:.0f} s, {size / 2**20:,.0f} MiB")

        import psycopg

        base, name = target_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        create_database(target_url)
        media = work / "media"
        restored_env = dict(env, DATABASE_URL=target_url, MEDIA_ROOT=str(media))
        start = time.perf_counter()
        manage("restore", str(work / "backup"), "--noinput", env=restored_env)
        restore_s = time.perf_counter() - start
        print(f"restore into a new database: {restore_s:.0f} s (row counts checked by the command)")

        after = run_child(dict(restored_env, ROUNDTRIP_PAGES="1"), sample)
        manifest = json.loads((work / "backup" / "manifest.json").read_text())
        expected = manifest["database"]["tables"]
        wrong_counts = {
            t: (n, after["counts"].get(t))
            for t, n in expected.items()
            if after["counts"].get(t) != n
        }
        wrong_verdicts = {
            p: (v, after["verdicts"].get(p))
            for p, v in before["verdicts"].items()
            if after["verdicts"].get(p) != v
        }
        outcomes: dict[str, int] = {}
        for verdict in after["verdicts"].values():
            outcomes[verdict[0]] = outcomes.get(verdict[0], 0) + 1
        print(
            f"after restore: {len(expected)} tables, {len(expected) - len(wrong_counts)} with "
            f"the backup's row count; {len(after['verdicts']) - len(wrong_verdicts)} of "
            f"{len(after['verdicts'])} verdicts identical ({outcomes}); pages {after['pages']}"
        )
        if wrong_counts or wrong_verdicts:
            print("DIFFERENCES:", wrong_counts, list(wrong_verdicts.items())[:10])
            sys.exit(1)
        print("round trip OK")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
