"""Production settings for bench/bench_concurrency.py: the base settings as
a deployment runs them (DEBUG off, the embedded SQLite set-up unchanged:
immediate transactions, busy timeout, a connection per request), served over
plain HTTP on loopback."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from ocop.settings.base import *  # noqa: F403
