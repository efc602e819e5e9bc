"""The inspections tests work on stamps and their scans: the verification
tests' fixtures (a certified product's stamp, a fresh cache) are shared."""

from tests.verify.conftest import _fresh_cache, certificate, stamp  # noqa: F401 -- fixtures
