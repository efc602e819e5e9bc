"""Concurrent writes under a crowd: `python -m bench.bench_concurrency [--pg]`.

Serves the project as production does (gunicorn, 2 sync workers, DEBUG off)
on a throw-away database — SQLite by default, PostgreSQL with ``--pg`` (a new
database ``ocop_bench_concurrency`` on ``BENCH_PG``, default the local
server) — and fires, from threads of this process over loopback only:

* **double submits**: ROUNDS times, the same form posted twice at the same
  moment by the same signed-in person — a subject created by a provincial
  officer, a stamp request by a producer, a registration of the producer for
  a public activity open for registration (a new activity each round);
* **double "apply"**: IMPORT_ROUNDS times, a provincial officer uploads a new
  small product list (IMPORT_ROWS rows, written with the export's own header
  and writer) and presses "apply" twice at the same moment; the import runs
  as a background task, so ``manage.py db_worker`` runs beside gunicorn (both
  stopped at the end) and the benchmark waits, bounded, for every list to be
  applied;
* **parallel complaints**: 12 "report a suspected fake" posts at the same
  moment from one client (the limit is 5 an hour).

It prints the answers by status and checks the data afterwards: no answer
500, no duplicate (one subject / one batch / one registration per round, each
imported product and subject once), no lost write (every round's records
exist), exactly 5 complaints filed and 7 refused with 429.
Exits non-zero when any check fails. Every request loop is bounded.
"""

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

PG_SERVER = os.environ.get("BENCH_PG", "postgres://ocop:ocop@127.0.0.1:5432")
PG_DATABASE = "ocop_bench_concurrency"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
IMPORT_ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", str(ROUNDS)))
IMPORT_ROWS = 4
TASKS_WAIT = 120  # seconds, for the worker to apply every list
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
    # The label sheet of that set-up's 10,000-stamp batch is not needed here:
    # left queued, it would hold the one worker for about a minute (on the
    # loaded 2-core machine) ahead of the imports this benchmark waits for.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path__endswith=".render_label_sheet").delete()
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

    def post_file(self, path: str, data: dict, *, field: str, name: str, content: bytes):
        """A multipart form post with one uploaded file; (status, Location)."""
        boundary = f"bench{time.time_ns()}"
        parts = []
        for key, value in {**data, "csrfmiddlewaretoken": self.csrf()}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            self.base + path,
            data=b"".join(parts),
            headers={
                "Referer": self.base + path,
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            error.read()
            return error.code, error.headers.get("Location", "")

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


def make_activities(province) -> list[int]:
    """One public provincial training open for registration per round."""
    from datetime import timedelta

    from django.utils import timezone

    from ocop.events.enums import ActivityKind, ActivityLevel, ActivityState, Audience
    from ocop.events.models import Activity

    today = timezone.localdate()
    return [
        Activity.objects.create(
            title=f"Tập huấn song song {n}",
            kind=ActivityKind.TRAINING,
            level=ActivityLevel.PROVINCE,
            province=province,
            organiser="Văn phòng Điều phối nông thôn mới tỉnh",
            starts_on=today + timedelta(days=7),
            ends_on=today + timedelta(days=8),
            place="Hội trường UBND tỉnh",
            target_groups=[Audience.SUBJECTS],
            capacity=50,
            is_public=True,
            state=ActivityState.OPEN,
        ).pk
        for n in range(ROUNDS)
    ]


def double_submits(base: str, commune_id: int, product_id: int, activities: list[int]) -> dict:
    from ocop.events.enums import RegistrationState
    from ocop.events.models import Registration
    from ocop.producers.models import Subject
    from ocop.stamps.models import StampBatch

    officer, producer = Browser(base), Browser(base)
    officer.sign_in("bench.officer")
    producer.sign_in("bench.producer")
    officer.get("/subjects/new/")
    producer.get(f"/stamps/request/{product_id}/")
    statuses: dict[str, Counter] = {
        "subject": Counter(),
        "stamp request": Counter(),
        "registration": Counter(),
    }
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
        path = f"/events/{activities[n]}/register/"
        producer.get(path)
        person = {
            "full_name": "Nguyễn Thị Song",
            "phone": "0912345678",
            "email": "",
            "organisation": "Hợp tác xã Nước mắm Đồng Tâm",
            "audience": "subjects",
        }
        statuses["registration"].update(
            together([lambda p=path, d=person: producer.post(p, d)] * 2)
        )
    elapsed = time.perf_counter() - started
    subjects = Counter(
        Subject.objects.filter(name__startswith="HTX Song Song ").values_list("name", flat=True)
    )
    batches = Counter(
        StampBatch.objects.filter(note__startswith="lần ").values_list("note", flat=True)
    )
    registered = Counter(
        Registration.objects.filter(
            activity_id__in=activities, state=RegistrationState.REGISTERED
        ).values_list("activity_id", flat=True)
    )
    return {
        "statuses": statuses,
        "seconds": elapsed,
        "duplicates": sum(c - 1 for c in subjects.values() if c > 1)
        + sum(c - 1 for c in batches.values() if c > 1)
        + sum(c - 1 for c in registered.values() if c > 1),
        "lost": (ROUNDS - len(subjects)) + (ROUNDS - len(batches)) + (ROUNDS - len(registered)),
    }


def import_list(n: int, *, commune, province) -> bytes:
    """A small product list in the export's layout, written by the export's
    own writer (the import reads what the export writes)."""
    from ocop.registry.domain.exporting import PRODUCT_HEADERS, PRODUCT_WIDTHS, _xlsx

    headers = PRODUCT_HEADERS[:-1]  # without "Hiệu lực đến", as an import list
    rows = [
        [
            *[i + 1, f"Bánh nhập song song {n}.{i}", f"HTX Nhập Song Song {n}", None, "HTX"],
            *[None, commune.name, province.name, None, None, None, None, None],
        ]
        for i in range(IMPORT_ROWS)
    ]
    return _xlsx("San pham OCOP", headers, PRODUCT_WIDTHS[:-1], rows)


def double_applies(base: str, *, commune, province) -> dict:
    """Each round: upload a new list, then "apply" twice at the same moment;
    then wait (bounded) for the worker to import every list."""
    from ocop.producers.models import Subject
    from ocop.products.models import Product
    from ocop.registry.models import ImportBatch

    officer = Browser(base)
    officer.sign_in("bench.officer")
    officer.get("/products/import/")
    statuses: Counter = Counter()
    uploads: Counter = Counter()
    batch_ids = []
    started = time.perf_counter()
    for n in range(IMPORT_ROUNDS):
        status, location = officer.post_file(
            "/products/import/",
            {"province": str(province.pk), "decision_number": "", "decision_date": ""},
            field="file",
            name=f"song-song-{n}.xlsx",
            content=import_list(n, commune=commune, province=province),
        )
        uploads[status] += 1
        found = re.search(r"/products/import/(\d+)/", location)
        if status != 302 or not found:
            continue
        batch_ids.append(int(found[1]))
        officer.get(f"/products/import/{found[1]}/")
        path = f"/products/import/{found[1]}/apply/"
        statuses.update(together([lambda p=path: officer.post(p, {})] * 2))
    posted = time.perf_counter() - started
    deadline = time.monotonic() + TASKS_WAIT
    applied = ImportBatch.objects.filter(pk__in=batch_ids, status=ImportBatch.Status.APPLIED)
    while applied.count() < len(batch_ids) and time.monotonic() < deadline:
        time.sleep(0.5)
    products = Counter(
        Product.objects.filter(name__startswith="Bánh nhập song song ").values_list(
            "name", flat=True
        )
    )
    subjects = Counter(
        Subject.objects.filter(name__startswith="HTX Nhập Song Song ").values_list(
            "name", flat=True
        )
    )
    from django_tasks_db.models import DBTaskResult

    tasks = list(
        DBTaskResult.objects.filter(task_path__endswith=".apply_import").values_list(
            "enqueued_at", "started_at", "finished_at"
        )
    )
    return {
        "tasks": len(tasks),
        "queue_wait": max(((s - e).total_seconds() for e, s, _f in tasks if s), default=0),
        "task_run": max(((f - s).total_seconds() for _e, s, f in tasks if s and f), default=0),
        "uploads": uploads,
        "statuses": statuses,
        "posted": posted,
        "seconds": time.perf_counter() - started,
        "applied": applied.count(),
        "duplicates": sum(c - 1 for c in products.values() if c > 1)
        + sum(c - 1 for c in subjects.values() if c > 1),
        "lost": (IMPORT_ROUNDS * IMPORT_ROWS - len(products)) + (IMPORT_ROUNDS - len(subjects)),
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


def _env() -> tuple[dict, object]:
    from bench.run import ROOT

    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
        "DJANGO_SETTINGS_MODULE": "bench.concurrency_settings",
    }
    return env, ROOT


def work(log):
    """The task worker beside the web server (as ``make run`` starts it);
    its output goes to ``log``."""
    env, root = _env()
    return subprocess_popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.5",
        ],
        env=env,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def serve(base_port: int):
    env, ROOT = _env()
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
    activities = make_activities(product.province)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port)
    worker_log = open(  # noqa: SIM115 -- closed below, after the worker has stopped
        os.path.join(tempfile.gettempdir(), f"ocop-bench-worker-{os.getpid()}.log"), "w"
    )
    worker = work(worker_log)
    try:
        wait_ready(f"{base}/healthz")
        doubles = double_submits(base, product.commune_id, product.pk, activities)
        applies = double_applies(base, commune=product.commune, province=product.province)
        complaints = parallel_complaints(base, token)
    finally:
        for process in (worker, server):
            process.terminate()
        for process in (worker, server):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # still running after 30 s: end it
                process.kill()
                process.wait(timeout=10)
        worker_log.close()
    vendor = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"Concurrent writes on {vendor} ({re.sub(r'//[^@]*@', '//', database)}), gunicorn 2 workers"
    )
    print(
        f"  double submits: {ROUNDS} rounds × (subject, stamp request, registration) "
        "× 2 posts at once, "
        f"{doubles['seconds']:.1f} s"
    )
    for form, counts in doubles["statuses"].items():
        print(f"    {form:<14} answers {dict(sorted(counts.items()))}")
    print(f"    duplicates {doubles['duplicates']}, lost {doubles['lost']}")
    print(
        f"  double apply: {IMPORT_ROUNDS} lists of {IMPORT_ROWS} products, each uploaded, "
        f'then "apply" × 2 at once, {applies["posted"]:.1f} s; all applied by the worker '
        f"after {applies['seconds']:.1f} s"
    )
    print(
        f"    worker: {applies['tasks']} import tasks, waited at most "
        f"{applies['queue_wait']:.1f} s in the queue, ran at most {applies['task_run']:.1f} s"
    )
    print(f"    {'upload':<14} answers {dict(sorted(applies['uploads'].items()))}")
    print(f"    {'apply':<14} answers {dict(sorted(applies['statuses'].items()))}")
    print(
        f"    lists applied {applies['applied']}/{IMPORT_ROUNDS}, "
        f"duplicates {applies['duplicates']}, lost {applies['lost']}"
    )
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
    if set(applies["uploads"]) - {302} or set(applies["statuses"]) - {302}:
        failures.append("import: answers other than 302")
    if applies["statuses"].total() != 2 * IMPORT_ROUNDS:
        failures.append("import: not every list was applied twice")
    if applies["applied"] != IMPORT_ROUNDS:
        failures.append(f"import: {applies['applied']}/{IMPORT_ROUNDS} lists applied")
    if applies["duplicates"] or applies["lost"]:
        failures.append("import: duplicates or lost products")
    if complaints["statuses"] != Counter({302: 5, 429: COMPLAINTS - 5}) or complaints["filed"] != 5:
        failures.append("complaints: expected 5 filed (302) and the rest refused (429)")
    for failure in failures:
        print(f"  FAILED {failure}")
    if failures:
        print(f"  (the task worker's output: {worker_log.name})")
    else:
        os.remove(worker_log.name)
    print("  OK: no 500, no duplicate, nothing lost" if not failures else "")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
