import pytest

from tests.factories.stamps import certify


@pytest.fixture
def certificate_x(product_x):
    return certify(product_x, star=4)


@pytest.fixture
def certified_x(product_x, certificate_x):
    return product_x


@pytest.fixture
def english(client, settings):
    """Tests that compare messages with their English source text read the
    pages in English too (the Vietnamese catalogue is checked complete by
    tests/core/test_translations.py)."""
    from django.utils import translation

    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.deactivate()
