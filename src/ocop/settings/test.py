"""Test settings: the base settings with speed overrides.

The database still comes from DATABASE_URL, so the same suite runs on SQLite
and on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "ocop.core.ratelimit.CounterCache",  # as in production without Redis
        "LOCATION": "ocop-test-ratelimit",
    },
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="ocop-test-media-")
ALLOWED_HOSTS = ["*"]
SECURE_HSTS_SECONDS = 0
# Each scan written at once (through the same batch writer): a test reads the
# log right after the page; the buffer's own tests set an interval.
OCOP_SCAN_FLUSH_SECONDS = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("OCOP_TEST_SQLITE") or None}
STATIC_ROOT = tempfile.mkdtemp(prefix="ocop-test-static-")
WHITENOISE_USE_FINDERS = True
