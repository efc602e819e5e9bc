"""Production-like settings for serving the verification benchmark: DEBUG off,
the project's middleware unchanged; only the URLconf adds the minimal view.

Persistent database connections (CONN_MAX_AGE = 60 s) for both views, as a
production server keeps them: on PostgreSQL that is already the base
settings' default; on SQLite the base settings close the connection after
each request (CONN_MAX_AGE = 0), so it is set here. Both views are served the
same way, so the comparison stays fair; the benchmark prints it."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from ocop.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.verify_site"
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 -- see the docstring
# wrk is one client: the per-client limit still counts (one incr per page, as
# in production) but never refuses.
OCOP_VERIFY_RATE_LIMIT = 10**9
