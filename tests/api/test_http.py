"""What every answer of the API gets: one error shape, JSON for unknown paths
and wrong methods, limits with 429, ETag and 304, CORS for public GETs."""

import pytest

pytestmark = pytest.mark.django_db

SHAPE = {"status", "code", "detail", "errors"}


def test_an_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing/here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == SHAPE
    assert response.json()["code"] == "not_found"


def test_a_wrong_method_answers_json_405_with_allow(client):
    response = client.delete("/api/v1/geo/units?q=thanh")
    assert response.status_code == 405
    body = response.json()
    assert (body["status"], body["code"]) == (405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_an_invalid_parameter_answers_422_with_the_fields(client):
    response = client.get("/api/v1/geo/units", {"q": "thanh", "limit": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert ["query", "limit"] in [e["loc"] for e in body["errors"]]


def test_a_body_that_is_not_json_answers_400(client):
    response = client.post(
        "/api/v1/office/subjects",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer nope",
    )
    assert response.status_code in (400, 401)  # the token is checked first
    assert set(response.json()) == SHAPE


def test_the_public_limit_answers_429_in_the_error_shape(client, settings):
    settings.OCOP_API_PUBLIC_RATE_LIMIT = 2
    statuses = [client.get("/api/v1/geo/units", {"q": "thanh"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/geo/units", {"q": "thanh"})
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "too_many_requests"


def test_etag_and_a_conditional_get_answer_304(client):
    first = client.get("/api/v1/geo/units", {"q": "thanh"})
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Access-Control-Allow-Origin"] == "*"
    assert "public" in first["Cache-Control"]
    again = client.get("/api/v1/geo/units", {"q": "thanh"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    other = client.get("/api/v1/geo/units", {"q": "ha noi"}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def test_the_document_declares_the_errors_limits_and_security(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["x-rate-limit"]["public_per_minute"] > 0
    operation = schema["paths"]["/api/v1/office/subjects/{subject_id}"]["get"]
    assert {"401", "403", "404", "422", "429", "304"} <= set(map(str, operation["responses"]))
    error = operation["responses"]["404"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_uses_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script under the CSP
