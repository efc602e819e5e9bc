"""Settings for the OCOP Platform.

Everything that differs between a laptop and production is read from the
environment (see README, "Configuration"). Defaults give the embedded set-up:
SQLite, local files, e-mail printed to the console.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("OCOP_VAR_DIR", BASE_DIR / "var"))
# The Vietnamese user guides, shown as pages under /huong-dan/.
GUIDES_DIR = Path(os.environ.get("OCOP_GUIDES_DIR", BASE_DIR / "docs" / "huong-dan"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# CORE ---------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("OCOP_REQUIRE_SECRET_KEY", False):
        raise RuntimeError("SECRET_KEY must be set in production")
    # Development only: a stable key kept in var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = secrets.token_urlsafe(50)
        key_file.write_text(SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_tasks_db",
    "ocop.core",
    "ocop.geo",
    "ocop.accounts",
    "ocop.producers",
    "ocop.products",
    "ocop.certification",
    "ocop.criteria",
    "ocop.evaluation",
    "ocop.cycles",
    "ocop.stamps",
    "ocop.traceability",
    "ocop.inspections",
    "ocop.events",
    "ocop.trade",
    "ocop.stats",
    "ocop.registry",
    "ocop.exchange",
    "ocop.api",
    "ocop.portal",
    "ocop.opendata",
    "ocop.site",
]

MIDDLEWARE = [
    "ocop.core.lean.LeanPublicPagesMiddleware",  # public verification pages: see below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ocop.core.middleware.PrivatePagesMiddleware",
    "ocop.core.middleware.BusyDatabaseMiddleware",
]
# The public verification pages (views marked ``@lean_public`` under these
# prefixes; GET, HEAD, OPTIONS) skip the middleware below, which serve
# sessions, signed-in users, forms, messages, HTMX and static files: none of
# which those pages use. CommonMiddleware stays (the host checked against
# ALLOWED_HOSTS, Content-Length). See ``ocop.core.lean``; the answers of both
# stacks are compared in tests/core/test_lean.py.
OCOP_LEAN_PREFIXES = ("/s/", "/c/", "/01/")
OCOP_LEAN_SKIPPED_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ocop.core.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "ocop.urls"
WSGI_APPLICATION = "ocop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ocop.core.context_processors.ocop",
                "ocop.site.context_processors.navigation",
            ],
        },
    },
]

# DATABASES ----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ocop.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Wait up to this many seconds for another writer (busy timeout)…
            "timeout": int(os.environ.get("OCOP_SQLITE_BUSY_TIMEOUT", "10")),
            # …and take the write lock when a transaction begins, so that two
            # transactions never both read and then fail to upgrade to a write
            # ("database is locked" at once, whatever the timeout).
            "transaction_mode": "IMMEDIATE",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side prepared statements for the statements that ask for them:
    # the verification page's one read (stamps/domain/hotpath.py), which
    # otherwise pays parsing and planning on every scan. Django's own queries
    # bind on the client and are never prepared. An empty
    # DB_PREPARE_THRESHOLD turns preparing off (behind a PgBouncer in
    # transaction mode older than 1.21).
    _threshold = os.environ.get("DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        int(_threshold) if _threshold else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE --------------------------------------------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ocop_cache",
    }
}
# Request counters of the rate limits (ocop.core.ratelimit): in Redis when
# there is one (shared by all web processes), else in each process's memory.
CACHES["ratelimit"] = {
    "BACKEND": "ocop.core.ratelimit.CounterCache",  # a LocMemCache for counters
    "LOCATION": "ocop-ratelimit",
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    CACHES["ratelimit"] = CACHES["default"]

# AUTHENTICATION -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["ocop.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:queue"
LOGOUT_REDIRECT_URL = "site:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins: after this many failures for one account or one address within
# the window, further attempts are refused until the window passes.
OCOP_LOGIN_MAX_FAILURES = int(os.environ.get("OCOP_LOGIN_MAX_FAILURES", "5"))
OCOP_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("OCOP_LOGIN_LOCKOUT_MINUTES", "15"))
# Password-reset requests accepted per e-mail address and per client within an hour.
# How long an invitation link to a subject's representative stays valid.
OCOP_INVITATION_DAYS = int(os.environ.get("OCOP_INVITATION_DAYS", "7"))
# Personal API tokens: the longest validity a person may choose.
OCOP_API_TOKEN_MAX_DAYS = int(os.environ.get("OCOP_API_TOKEN_MAX_DAYS", "365"))
# The JSON API's limits per client and minute: public operations (per address)
# and back-office operations (per token); 0 turns a limit off.
OCOP_API_PUBLIC_RATE_LIMIT = int(os.environ.get("OCOP_API_PUBLIC_RATE_LIMIT", "120"))
OCOP_API_TOKEN_RATE_LIMIT = int(os.environ.get("OCOP_API_TOKEN_RATE_LIMIT", "600"))
OCOP_PASSWORD_RESET_PER_EMAIL_HOUR = int(os.environ.get("OCOP_PASSWORD_RESET_PER_EMAIL_HOUR", "3"))
OCOP_PASSWORD_RESET_PER_CLIENT_HOUR = int(
    os.environ.get("OCOP_PASSWORD_RESET_PER_CLIENT_HOUR", "10")
)

# I18N ---------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ocop.formats"]
LANGUAGE_COOKIE_NAME = "ocop_language"
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_SAMESITE = "Lax"

# STATIC AND MEDIA FILES ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [SRC_DIR / "static", BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")  # "local" or "s3"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
OCOP_UPLOAD_MAX_BYTES = int(os.environ.get("OCOP_UPLOAD_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-MAIL -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OCOP <no-reply@ocop.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# BACKGROUND TASKS -----------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SECURITY -----------------------------------------------------------------
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if os.environ.get("S3_PUBLIC_URL"):
    SECURE_CSP["img-src"].append(os.environ["S3_PUBLIC_URL"])
# Map tiles of the points-of-sale map: a tile server URL template such as
# https://tile.example.vn/{z}/{x}/{y}.png (its origin is allowed as an image
# source) and the attribution its licence requires. Empty: no tiles, the map
# shows the points on a blank background and the page works as a list.
OCOP_MAP_TILE_URL = os.environ.get("OCOP_MAP_TILE_URL", "")
OCOP_MAP_TILE_ATTRIBUTION = os.environ.get("OCOP_MAP_TILE_ATTRIBUTION", "")
if OCOP_MAP_TILE_URL:
    _tiles = urlsplit(OCOP_MAP_TILE_URL.replace("{s}.", ""))
    SECURE_CSP["img-src"].append(f"{_tiles.scheme}://*.{_tiles.netloc}")
    SECURE_CSP["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")

# LOGGING ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# OCOP ---------------------------------------------------------------------
OCOP_DEMO_PASSWORD = "ocop-demo-2026"

# Public verification page: clone detection (a stamp scanned more than
# OCOP_CLONE_DISTANCE_KM apart within OCOP_CLONE_WINDOW_HOURS, or by more than
# OCOP_CLONE_DISTINCT_CLIENTS clients within OCOP_CLONE_CLIENT_WINDOW_DAYS, is
# flagged), the hourly limit of "report a suspected fake" per client, and the
# header that carries the client's address behind a reverse proxy (e.g.
# HTTP_X_REAL_IP; empty: REMOTE_ADDR). Addresses are only ever stored hashed.
OCOP_CLONE_DISTANCE_KM = float(os.environ.get("OCOP_CLONE_DISTANCE_KM", "100"))
OCOP_CLONE_WINDOW_HOURS = float(os.environ.get("OCOP_CLONE_WINDOW_HOURS", "24"))
OCOP_CLONE_DISTINCT_CLIENTS = int(os.environ.get("OCOP_CLONE_DISTINCT_CLIENTS", "20"))
OCOP_CLONE_CLIENT_WINDOW_DAYS = int(os.environ.get("OCOP_CLONE_CLIENT_WINDOW_DAYS", "30"))
OCOP_COMPLAINTS_PER_HOUR = int(os.environ.get("OCOP_COMPLAINTS_PER_HOUR", "5"))
# Verification pages (stamp and certificate QR codes) opened per client and
# minute; more get HTTP 429 and are not logged as scans. 0: no limit.
OCOP_VERIFY_RATE_LIMIT = int(os.environ.get("OCOP_VERIFY_RATE_LIMIT", "60"))
# The scan log is buffered per web process and written in batches
# (stamps/domain/scanbuffer.py): every OCOP_SCAN_FLUSH_SECONDS, or as soon as
# OCOP_SCAN_FLUSH_MAX scans wait; 0 writes each scan at once. A crash (not a
# graceful stop) loses at most the scans of that interval in that process.
OCOP_SCAN_FLUSH_SECONDS = float(os.environ.get("OCOP_SCAN_FLUSH_SECONDS", "1"))
OCOP_SCAN_FLUSH_MAX = int(os.environ.get("OCOP_SCAN_FLUSH_MAX", "500"))
OCOP_SCAN_BUFFER_MAX = int(os.environ.get("OCOP_SCAN_BUFFER_MAX", "100000"))
# A Redis URL (redis://127.0.0.1:6379/0): the scan buffer is kept there,
# shared by every process (stamps/domain/redisbuffer.py): nothing acknowledged
# is lost unless Redis loses it; a dead flusher's batch is written again once
# its lease (OCOP_SCAN_LEASE_SECONDS) has passed. Empty: per process.
OCOP_SCAN_BUFFER_URL = os.environ.get("OCOP_SCAN_BUFFER_URL", "")
OCOP_SCAN_BUFFER_PREFIX = os.environ.get("OCOP_SCAN_BUFFER_PREFIX", "ocop:scans")
OCOP_SCAN_LEASE_SECONDS = float(os.environ.get("OCOP_SCAN_LEASE_SECONDS", "300"))
# Lists of products, subjects and tasks count at most this many rows
# ("more than 5,000"): counting stays constant as the data grows (core/pagination.py).
OCOP_LIST_COUNT_CAP = int(os.environ.get("OCOP_LIST_COUNT_CAP", "5000"))
# The what-if of a rule change re-ranks at most this many stored results per
# run (evaluation/views_whatif.py); a larger period is asked to be narrowed.
OCOP_WHATIF_MAX_RESULTS = int(os.environ.get("OCOP_WHATIF_MAX_RESULTS", "20000"))
# A search reads at most this many candidate rows and ranks them (core/search.py):
# its first page costs the same however many rows match.
OCOP_SEARCH_CANDIDATES = int(os.environ.get("OCOP_SEARCH_CANDIDATES", "300"))
# The public catalogue ranks fewer (four pages of 24): a visitor adds a filter.
OCOP_PORTAL_SEARCH_CANDIDATES = int(os.environ.get("OCOP_PORTAL_SEARCH_CANDIDATES", "96"))
OCOP_CLIENT_IP_HEADER = os.environ.get("OCOP_CLIENT_IP_HEADER", "")
# IPv6 clients are told apart by their network of this prefix length (one
# home or phone may use any address of its /64): per-client limits and
# "distinct clients" counts (core/clients.py).
OCOP_CLIENT_IPV6_PREFIX = int(os.environ.get("OCOP_CLIENT_IPV6_PREFIX", "64"))

# Stamps: the largest number of stamps one request may ask for, and the
# largest batch whose label sheets are rendered on download (larger ones are
# prepared by a background task, about 1.3 s per 1,000 stamps).
OCOP_STAMPS_MAX_PER_REQUEST = int(os.environ.get("OCOP_STAMPS_MAX_PER_REQUEST", "100000"))
OCOP_STAMPS_LABELS_DIRECT_MAX = int(os.environ.get("OCOP_STAMPS_LABELS_DIRECT_MAX", "2000"))
# The serials on label sheets are printed in this font, embedded in the PDF
# (a monospaced TrueType font; Debian's fonts-liberation2 by default).
OCOP_LABEL_SERIAL_FONT = os.environ.get(
    "OCOP_LABEL_SERIAL_FONT", "/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf"
)
# Approving more stamps than this creates them in a background task, in
# chunks of OCOP_STAMPS_CHUNK per transaction, with progress on the batch page.
OCOP_STAMPS_BACKGROUND_MIN = int(os.environ.get("OCOP_STAMPS_BACKGROUND_MIN", "10000"))
OCOP_STAMPS_CHUNK = int(os.environ.get("OCOP_STAMPS_CHUNK", "5000"))
# Applying an import list runs in a background task that commits this many
# rows per transaction (resumable after a crash).
# Criteria sheet files (manage.py load_criteria) larger than this are refused
# before they are parsed; a sheet takes a few dozen KB.
OCOP_CRITERIA_FILE_MAX_BYTES = int(os.environ.get("OCOP_CRITERIA_FILE_MAX_KB", "2048")) * 1024
OCOP_IMPORT_CHUNK_ROWS = int(os.environ.get("OCOP_IMPORT_CHUNK_ROWS", "500"))
# Background work: after this many seconds without a worker taking a queued
# task, the page says so; after OCOP_TASK_STALLED_SECONDS without progress a
# started task is taken to have died and may be resumed.
OCOP_TASK_WORKER_WAIT_SECONDS = int(os.environ.get("OCOP_TASK_WORKER_WAIT_SECONDS", "30"))
OCOP_TASK_STALLED_SECONDS = int(os.environ.get("OCOP_TASK_STALLED_SECONDS", "300"))

# Trade promotion: buyers' inquiries per client and hour; the check of online
# listings (links not checked for OCOP_LINK_CHECK_EVERY_DAYS are opened,
# OCOP_LINK_CHECK_BATCH per run, OCOP_LINK_CHECK_WORKERS at a time, each with
# a timeout of OCOP_LINK_CHECK_TIMEOUT seconds; a link failing
# OCOP_LINK_DEAD_AFTER checks in a row is marked broken). Addresses on private
# networks are never opened unless OCOP_LINK_CHECK_ALLOW_PRIVATE=1 (tests).
OCOP_INQUIRIES_PER_HOUR = int(os.environ.get("OCOP_INQUIRIES_PER_HOUR", "5"))
OCOP_LINK_CHECK_EVERY_DAYS = int(os.environ.get("OCOP_LINK_CHECK_EVERY_DAYS", "7"))
OCOP_LINK_CHECK_BATCH = int(os.environ.get("OCOP_LINK_CHECK_BATCH", "200"))
OCOP_LINK_CHECK_WORKERS = int(os.environ.get("OCOP_LINK_CHECK_WORKERS", "8"))
OCOP_LINK_CHECK_TIMEOUT = float(os.environ.get("OCOP_LINK_CHECK_TIMEOUT", "5"))
OCOP_LINK_DEAD_AFTER = int(os.environ.get("OCOP_LINK_DEAD_AFTER", "2"))
OCOP_LINK_CHECK_ALLOW_PRIVATE = os.environ.get("OCOP_LINK_CHECK_ALLOW_PRIVATE", "0") == "1"

# National product code PP-DDD-CCCCC-n-YYYY (products/domain/national_code.py):
# how the district part is filled since the 2025 reform removed districts
# ("000", "legacy" = the district of the commune's main predecessor, or three
# digits). Unconfirmed: the rule for codes given after 1 July 2025 is unpublished.
OCOP_NATIONAL_CODE_DISTRICT = os.environ.get("OCOP_NATIONAL_CODE_DISTRICT", "000")

# Exchange packages with the centre (exchange app, docs/exchange.md): this
# province's signing key, and at the centre each province's key
# ("38=<base64>,01=<base64>"); HMAC-SHA256, at least 32 bytes.
OCOP_EXCHANGE_KEY = os.environ.get("OCOP_EXCHANGE_KEY", "")
OCOP_EXCHANGE_KEYS = dict(
    item.split("=", 1)
    for item in os.environ.get("OCOP_EXCHANGE_KEYS", "").split(",")
    if "=" in item
)

# Open data (opendata app): the licence of the published data sets (CC BY 4.0
# unless the province sets another), who to credit, how long daily snapshots
# are kept.
OCOP_OPEN_DATA_LICENCE = os.environ.get("OCOP_OPEN_DATA_LICENCE", "CC BY 4.0")
OCOP_OPEN_DATA_LICENCE_URL = os.environ.get(
    "OCOP_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
OCOP_OPEN_DATA_PUBLISHER = os.environ.get("OCOP_OPEN_DATA_PUBLISHER", "Văn phòng Điều phối OCOP")
OCOP_OPEN_DATA_KEEP_DAYS = int(os.environ.get("OCOP_OPEN_DATA_KEEP_DAYS", "31"))
