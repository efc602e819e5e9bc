"""Cross-app fixtures. The administrative units (34 provinces, 3,321 communes
and the pre-2025 units) are loaded once per test session into the test
database, from the same packages and loader that production uses."""

import os

import pytest
from django.core.management import call_command

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """The live server (browser tests) answers one request at a time on SQLite.

    Its test database lives in memory, so Django hands the test's one SQLite
    connection to every request thread of the live server. Two requests at
    once (a page and its badge count fetched after load, a photo) then use
    that connection together, and SQLite fails now and then with "bad
    parameter or other API misuse". Requests still arrive on their own threads
    (keep-alive connections do not block each other); only the application
    call, with the reading of its body, is serialised. PostgreSQL gives each
    thread its own connection and is left as it is."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test import testcases

    class SerialWSGIServer(ThreadedWSGIServer):
        lock = threading.Lock()

        def set_app(self, application):
            def serial(environ, start_response):
                with self.lock:
                    response = application(environ, start_response)
                    try:
                        return list(response)
                    finally:
                        if hasattr(response, "close"):
                            response.close()

            super().set_app(serial)

    if "sqlite" in os.environ.get("DATABASE_URL", "sqlite"):
        testcases.LiveServerThread.server_class = SerialWSGIServer


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_admin_units", verbosity=0)
        call_command("load_calendar", verbosity=0)
        call_command("load_product_categories", verbosity=0)
        call_command("load_criteria", "--shipped", verbosity=0)
        call_command("load_dossier_rules", verbosity=0)
        call_command("load_certification_rules", verbosity=0)
        call_command("load_inspection_data", verbosity=0)
        call_command("load_national_targets", verbosity=0)
        # The set-up's own log entries ("sheet loaded") would show up in tests
        # that read the activity log: every test starts with an empty log.
        # The log is append-only (its queryset refuses delete()): the raw
        # delete below is the test set-up's documented way round it.
        from ocop.core.models import ActivityLog

        ActivityLog.objects.all()._raw_delete(using="default")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """The rate-limit counters (verification page) and the cached public pages
    live in per-process caches: each test starts with none, whatever the tests
    before it opened or rendered (a page cached by an earlier test would show
    that test's rows and photos, which the database no longer holds)."""
    from django.core.cache import caches

    from ocop.stamps import views_public
    from ocop.stamps.domain import readmodel, resolver, scanbuffer

    caches["ratelimit"].clear()
    caches["default"].clear()
    # The verification page's per-process read model and scan buffer likewise,
    # and the Link headers kept per (batch, version): on SQLite a rolled-back
    # test gives its batch ids and version to the next test's other rows.
    readmodel.MEMO.clear()
    resolver._HEADERS.clear()
    views_public.PAGES.clear()
    scanbuffer.BUFFER.discard()
    yield
    scanbuffer.BUFFER.discard()  # a buffered test's scans belong to its rolled-back data


@pytest.fixture(autouse=True)
def _vietnamese_by_default(settings):
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.deactivate()


# Registry fixtures shared by the accounts, producers and products tests: two
# communes of Thanh Hóa (X and Y), a subject and a product in each, and the
# people who act there.


@pytest.fixture
def commune_x():
    from tests.factories.geo import communes

    return communes("38", 2)[0]


@pytest.fixture
def commune_y():
    from tests.factories.geo import communes

    return communes("38", 2)[1]


@pytest.fixture
def subject_x(commune_x):
    from tests.factories.registry import SubjectFactory

    return SubjectFactory(commune=commune_x, name="Hợp tác xã Nước mắm Làng X")


@pytest.fixture
def subject_y(commune_y):
    from tests.factories.registry import SubjectFactory

    return SubjectFactory(commune=commune_y, name="Công ty TNHH Mật ong Làng Y")


@pytest.fixture
def product_x(subject_x):
    from tests.factories.registry import ProductFactory

    return ProductFactory(subject=subject_x, name="Nước mắm cá cơm Làng X")


@pytest.fixture
def product_y(subject_y):
    from tests.factories.registry import ProductFactory

    return ProductFactory(subject=subject_y, name="Mật ong bạc hà Làng Y")


@pytest.fixture
def officer_x(commune_x):
    from ocop.accounts.enums import Role
    from tests.factories.accounts import user_with_role

    return user_with_role(Role.COMMUNE_OFFICER, unit=commune_x, username="xa.x")


@pytest.fixture
def province_officer():
    from ocop.accounts.enums import Role
    from tests.factories.accounts import user_with_role
    from tests.factories.geo import province

    return user_with_role(Role.PROVINCE_OFFICER, unit=province("38"), username="tinh.th")


@pytest.fixture
def producer_x(subject_x):
    from ocop.accounts.enums import Role
    from tests.factories.accounts import user_with_role

    return user_with_role(Role.PRODUCER, subject=subject_x, username="sx.x")


@pytest.fixture
def reference_data(transactional_db):
    """The reference data of Thanh Hóa again, for a transactional test: a
    transactional test empties the database when it ends, so one that runs after
    another (they run last) finds no administrative units."""
    from ocop.geo.models import AdminUnit

    if not AdminUnit.objects.filter(code="38").exists():
        call_command("load_admin_units", province=["38"], verbosity=0)
        call_command("load_calendar", verbosity=0)
        call_command("load_product_categories", verbosity=0)
        call_command("load_certification_rules", verbosity=0)
        call_command("load_inspection_data", verbosity=0)
        call_command("load_national_targets", verbosity=0)


@pytest.fixture
def demo_data(transactional_db):
    """The demo set on Thanh Hóa only (fast): the reference data, the rules and
    ``load_demo``, in a transactional database (browser tests, backup round trip)."""
    call_command("load_admin_units", province=["38"], verbosity=0)
    call_command("load_calendar", verbosity=0)
    call_command("load_product_categories", verbosity=0)
    call_command("load_criteria", "--shipped", verbosity=0)
    call_command("load_dossier_rules", verbosity=0)
    call_command("load_certification_rules", verbosity=0)
    call_command("load_event_topics", verbosity=0)
    call_command("load_inspection_data", verbosity=0)
    call_command("load_national_targets", verbosity=0)
    call_command("load_demo", verbosity=0)
