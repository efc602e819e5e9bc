"""Cross-app fixtures. The administrative units (34 provinces, 3,321 communes
and the pre-2025 units) are loaded once per test session into the test
database, from the same packages and loader that production uses."""

import os

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_admin_units", verbosity=0)
        call_command("load_calendar", verbosity=0)
        call_command("load_product_categories", verbosity=0)


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()
