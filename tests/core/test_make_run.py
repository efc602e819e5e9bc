"""`make run` derives the public address (SITE_URL: printed links, QR codes on
stamps and certificates) from HOST/PORT, unless SITE_URL is given."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(*args: str, env: dict | None = None) -> list[str]:
    """The commands `make -n run ARGS` would run (nothing is executed)."""
    result = subprocess.run(  # noqa: S603 -- fixed command, test input
        ["make", "-s", "-n", "-W", "pyproject.toml", "run", *args],  # noqa: S607 -- make on PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def lines_for(commands: list[str], name: str) -> list[str]:
    return [c for c in commands if f"manage.py {name}" in c]


def test_another_port_gives_the_printed_links_and_qr_codes_that_port():
    commands = planned("PORT=8011")
    for name in ("load_demo", "demo_logins", "runserver"):
        (line,) = lines_for(commands, name)
        assert "SITE_URL=http://127.0.0.1:8011 " in line, line
    assert lines_for(commands, "runserver")[0].endswith("runserver 127.0.0.1:8011")


def test_listening_everywhere_prints_a_loopback_link_and_another_host_is_allowed():
    (line,) = lines_for(planned("HOST=0.0.0.0", "PORT=8012"), "runserver")
    assert "SITE_URL=http://127.0.0.1:8012 " in line
    (line,) = lines_for(planned("HOST=192.0.2.7"), "runserver")
    assert "SITE_URL=http://192.0.2.7:8000 " in line
    assert "ALLOWED_HOSTS=127.0.0.1,localhost,192.0.2.7 " in line


def test_an_explicit_site_url_wins():
    env = {"PATH": "/usr/bin:/bin", "SITE_URL": "https://ocop.example.vn"}
    (line,) = lines_for(planned("PORT=8011", env=env), "runserver")
    assert "SITE_URL=https://ocop.example.vn " in line


def test_the_task_worker_starts_beside_the_server_with_the_same_settings():
    commands = planned("PORT=8011")
    (worker,) = lines_for(commands, "db_worker")
    (server,) = lines_for(commands, "runserver")
    assert "SITE_URL=http://127.0.0.1:8011 " in worker
    # In the background, one process (no reloader), so that stopping it stops all of it.
    assert "manage.py db_worker --no-reload & worker=$!;" in worker
    assert commands.index(worker) < commands.index(server)
    # The periodic jobs (reminders, expiry, the dashboards' figures) every minute.
    (periodic,) = lines_for(commands, "run_periodic")
    assert "SITE_URL=http://127.0.0.1:8011 " in periodic
    # A TERM ends the loop at once, even in its minute's sleep.
    assert periodic.startswith("(trap 'kill $! 2>/dev/null; exit 0' TERM; while :; do ")
    # Its output (and its sleep's) goes to a file, not to the terminal's pipe.
    assert "sleep 60 & wait $!; done) >> var/periodic.log 2>&1 & periodic=$!;" in periodic


FAKE_MANAGE = """#!/bin/sh
# Stands in for manage.py: the worker records its pid and waits; the server stops soon.
case "$1" in
  db_worker) echo $$ > "$OUT/worker.pid"; exec sleep 60 ;;
  run_periodic) echo $PPID > "$OUT/periodic.pid" ;;
  runserver) sleep 1; echo stopped > "$OUT/server" ;;
esac
"""


def test_the_worker_stops_when_the_server_stops(tmp_path):
    """`make run` for real, with a stand-in for manage.py (``db`` is taken as done)."""
    fake = tmp_path / "manage.sh"
    fake.write_text(FAKE_MANAGE)
    env = {"PATH": "/usr/bin:/bin", "OUT": str(tmp_path)}
    subprocess.run(  # noqa: S603 -- fixed command, test input
        ["make", "-s", "-o", "db", "run", f"MANAGE=sh {fake}"],  # noqa: S607 -- make on PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=30,
    )
    assert (tmp_path / "server").read_text().strip() == "stopped"
    pid = int((tmp_path / "worker.pid").read_text())
    with pytest.raises(ProcessLookupError):  # the worker is gone with the server
        os.kill(pid, 0)
    periodic = int((tmp_path / "periodic.pid").read_text())
    with pytest.raises(ProcessLookupError):  # so is the loop of periodic jobs
        os.kill(periodic, 0)


def test_make_help_and_the_readme_document_host_and_port():
    result = subprocess.run(
        ["make", "-s", "help"],  # noqa: S607 -- make on PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "HOST=" in result.stdout
    assert "PORT=" in result.stdout
    assert "SITE_URL" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run HOST=0.0.0.0 PORT=8011" in readme
    assert "`SITE_URL`" in readme
