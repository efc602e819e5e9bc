"""Production-like settings for serving the verification benchmark: DEBUG off,
the project's middleware unchanged; only the URLconf adds the minimal view."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from ocop.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.verify_site"
