"""Concurrent writes under a crowd: `python -m bench.bench_concurrency [--pg]`.

Serves the project as production does (gunicorn, 2 sync workers, DEBUG off)
on a throw-away database — SQLite by default, PostgreSQL with ``--pg`` (a new
database ``ocop_bench_concurrency`` on ``BENCH_PG``, default the local
server) — and fires, from threads of this process over loopback only:

* **double submits**: ROUNDS times, the same form posted twice at the same
  moment by the same signed-in person — a subject created by a provincial
  officer, a stamp request by a producer;
* **parallel complaints**: 12 "report a suspected fake" posts at the same
  moment from one client (the limit is 5 an hour).

It prints the answers by status and checks the data afterwards: no answer
500, no duplicate (one subject / one batch per round), no lost write (every
round's record exists), exactly 5 complaints filed and 7 refused with 429.
Exits non-zero when any check fails. Every request loop is bounded.
"""

import argparse
import http.cookiejar
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

PG_SERVER = os.environ.get("BENCH_PG", "postgres://ocop:ocop@127.0.0.1:5432")
PG_DATABASE = "ocop_bench_concurrency"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
COMPLAINTS = 12
PASSWORD = "bench-concurrency-2026"  # noqa: S105 -- a throw-away benchmark account
TIMEOUT = 60


def choose_database(pg: bool) -> str:
    if not pg:
        from bench.run import ROOT  # noqa: F401 -- sets a temporary SQLite DATABASE_URL

        return os.environ["DATABASE_URL"]
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    url = f"{PG_SERVER}/{PG_DATABASE}"
    os.environ["DATABASE_URL"] = url
    return url


def build_data():
    """The verification benchmark's certified product, producer and officer
    (made through the domain functions), with passwords to sign in."""
    from bench.bench_verify import build_data as verification_data
    from ocop.accounts.models import User

    product, _batches = verification_data()
    for user in User.objects.filter(username__in=["bench.producer", "bench.officer"]):
        user.set_password(PASSWORD)
        user.save()
    return product


class Browser:
    """One person's browser: cookies, the CSRF token, form posts."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True)
        request = urllib.request.Request(
            self.base + path,
            data=body.encode(),
            headers={"Referer": self.base + path},
        )
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def sign_in(self, username: str) -> None:
        self.get("/accounts/login/")
        status, _body = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"cannot sign in as {username}: HTTP {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def together(calls) -> list[int]:
    """Run the calls at the same moment (one thread each); their statuses."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)

    def run(index, call):
        barrier.wait(timeout=TIMEOUT)
        statuses[index] = call()[0]

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    return statuses


def double_submits(base: str, commune_id: int, product_id: int) -> dict:
    from ocop.producers.models import Subject
    from ocop.stamps.models import StampBatch

    officer, producer = Browser(base), Browser(base)
    officer.sign_in("bench.officer")
    producer.sign_in("bench.producer")
    officer.get("/subjects/new/")
    producer.get(f"/stamps/request/{product_id}/")
    statuses: dict[str, Counter] = {"subject": Counter(), "stamp request": Counter()}
    started = time.perf_counter()
    for n in range(ROUNDS):
        subject = {"name": f"HTX Song Song {n}", "legal_form": "htx", "commune": str(commune_id)}
        statuses["subject"].update(
            together([lambda s=subject: officer.post("/subjects/new/", s)] * 2)
        )
        request = {"quantity": str(100 + n), "note": f"lần {n}"}
        statuses["stamp request"].update(
            together([lambda r=request: producer.post(f"/stamps/request/{product_id}/", r)] * 2)
        )
    elapsed = time.perf_counter() - started
    subjects = Counter(
        Subject.objects.filter(name__startswith="HTX Song Song ").values_list("name", flat=True)
    )
    batches = Counter(
        StampBatch.objects.filter(note__startswith="lần ").values_list("note", flat=True)
    )
    return {
        "statuses": statuses,
        "seconds": elapsed,
        "duplicates": sum(c - 1 for c in subjects.values() if c > 1)
        + sum(c - 1 for c in batches.values() if c > 1),
        "lost": (ROUNDS - len(subjects)) + (ROUNDS - len(batches)),
    }


def parallel_complaints(base: str, token: str) -> dict:
    from ocop.core.forms import form_token
    from ocop.inspections.models import Complaint

    people = [Browser(base) for _ in range(COMPLAINTS)]
    for person in people:
        person.get("/report-fake/")
    started = time.perf_counter()

    def report(person, n):
        return person.post(
            "/report-fake/",
            {
                "code": f"s/{token}",
                "message": f"Tem in mờ, nghi là giả (báo cáo số {n}).",
                "place": "Chợ Bình Tây",
                "contact": "",
                "started": form_token(now=time.time() - 20),
                "website": "",
            },
        )

    statuses = Counter(together([lambda p=p, n=n: report(p, n) for n, p in enumerate(people)]))
    return {
        "statuses": statuses,
        "seconds": time.perf_counter() - started,
        "filed": Complaint.objects.count(),
    }


def serve(base_port: int):
    from bench.run import ROOT

    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "bench.concurrency_settings",
    }
    return subprocess_popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ocop.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{base_port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def subprocess_popen(args, **kwargs):
    import subprocess

    return subprocess.Popen(args, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.concurrency_settings"
    database = choose_database(args.pg)
    import django

    import bench.run  # noqa: F401 -- puts src/ on the path (after DATABASE_URL is chosen)

    django.setup()
    from bench.bench_verify import free_port, wait_ready
    from ocop.stamps.models import Stamp

    product = build_data()
    token = Stamp.objects.filter(batch__product=product).values_list("token", flat=True)[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port)
    try:
        wait_ready(f"{base}/healthz")
        doubles = double_submits(base, product.commune_id, product.pk)
        complaints = parallel_complaints(base, token)
    finally:
        server.terminate()
        server.wait(timeout=30)
    vendor = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"Concurrent writes on {vendor} ({re.sub(r'//[^@]*@', '//', database)}), gunicorn 2 workers"
    )
    print(
        f"  double submits: {ROUNDS} rounds × (subject, stamp request) × 2 posts at once, "
        f"{doubles['seconds']:.1f} s"
    )
    for form, counts in doubles["statuses"].items():
        print(f"    {form:<14} answers {dict(sorted(counts.items()))}")
    print(f"    duplicates {doubles['duplicates']}, lost {doubles['lost']}")
    print(
        f"  parallel complaints: {COMPLAINTS} at once from one client, "
        f"{complaints['seconds']:.1f} s"
    )
    print(
        f"    answers {dict(sorted(complaints['statuses'].items()))}, filed {complaints['filed']}"
    )
    failures = []
    for form, counts in doubles["statuses"].items():
        if set(counts) - {302}:
            failures.append(f"{form}: answers other than 302: {dict(counts)}")
    if doubles["duplicates"] or doubles["lost"]:
        failures.append("duplicates or lost writes")
    if complaints["statuses"] != Counter({302: 5, 429: COMPLAINTS - 5}) or complaints["filed"] != 5:
        failures.append("complaints: expected 5 filed (302) and the rest refused (429)")
    for failure in failures:
        print(f"  FAILED {failure}")
    print("  OK: no 500, no duplicate, nothing lost" if not failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
