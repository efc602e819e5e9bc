"""schemathesis over the whole OpenAPI document: every operation, with
bounded examples, called through the WSGI application with a national
officer's personal API token (that may write), against a small world (a
certified product with stamps, a subject, a point of sale). Every answer must
be declared in the document (status, content type, schema, headers), no
answer is a 500, and invalid input is refused with a 4xx.

Runs on SQLite and PostgreSQL like the rest of the suite (``make test``).
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from ocop.accounts.domain.api_tokens import create_api_token
from ocop.accounts.enums import Role
from ocop.api.urls import api
from tests.factories.accounts import user_with_role
from tests.factories.stamps import approved_batch, certify, province_officer_of

# A schema-valid request may still break a domain rule (an unknown unit or
# product-set code, a registration number with the wrong form): 422 with the
# domain's message is then the right answer, not a rejection of valid data.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "304", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema())), config=CONFIG
)
schema.app = get_wsgi_application()

MAX_EXAMPLES = 8


@pytest.fixture
def same_connection():
    """The WSGI handler closes the database connection when a request ends
    (``close_old_connections``); inside the test's transaction that would
    close it under the test on PostgreSQL. Django's own test client turns the
    same signals off for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, settings, subject_x, product_x, same_connection):
    settings.OCOP_API_PUBLIC_RATE_LIMIT = 0
    settings.OCOP_API_TOKEN_RATE_LIMIT = 0
    settings.OCOP_VERIFY_RATE_LIMIT = 0
    certify(product_x)
    producer = user_with_role(Role.PRODUCER, subject=subject_x)
    approved_batch(product=product_x, producer=producer, officer=province_officer_of(), quantity=2)
    officer = user_with_role(Role.CENTRAL_OFFICER)
    _token, secret = create_api_token(
        user=officer, name="schemathesis", days=1, roles=[Role.CENTRAL_OFFICER], can_write=True
    )
    return secret


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_its_document_says(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
