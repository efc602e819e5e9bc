"""WSGI entry point of the verification benchmark's server: the project's own
(``ocop/wsgi.py``, as production serves it: the application loaded, then its
objects frozen out of the garbage collector's reach), with the benchmark's
settings (``DJANGO_SETTINGS_MODULE=bench.verify_settings``, set by
``bench_verify.serve``) for the minimal views' URLconf."""

from ocop.wsgi import application  # noqa: F401
