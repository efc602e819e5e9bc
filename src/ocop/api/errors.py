"""One error shape for every answer of the API that is not a success.

``{"status": 404, "code": "not_found", "detail": "…", "errors": []}``:
``status`` repeats the HTTP status, ``code`` is a stable English word a
program may test, ``detail`` is a sentence for people (in the request's
language), ``errors`` lists the fields at fault for 400/422 (``loc`` as in
the OpenAPI parameters: ``["query", "limit"]``) and is empty otherwise.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("django.request")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Error(Schema):
    status: int
    code: str
    detail: str
    errors: list[FieldError] = []


DESCRIPTIONS = {
    400: "Bad request (a malformed value).",
    401: "No valid token: send `Authorization: Bearer <personal API token>`.",
    403: "The token may not do this (a role it lacks, or a read-only token).",
    404: "Not found, or outside what the token may see.",
    409: "Conflict with the current state of the record.",
    422: "A parameter or a field of the body is invalid.",
    429: "Too many requests: wait `Retry-After` seconds.",
}


def error_body(status: int, detail: str = "", errors: list | None = None) -> dict:
    return {
        "status": status,
        "code": CODES.get(status, "error"),
        "detail": detail or DEFAULT_DETAIL.get(status, "Error"),
        "errors": errors or [],
    }


DEFAULT_DETAIL = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
}


def json_error(status: int, detail: str = "", errors: list | None = None, **headers):
    response = JsonResponse(error_body(status, detail, errors), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _field_errors(errors) -> list[dict]:
    return [
        {
            "loc": [str(part) if not isinstance(part, int) else part for part in e.get("loc", [])],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


def install(api) -> None:
    """The API's exception handlers: every error in the one shape."""

    def respond(request, status, detail="", errors=None):
        return api.create_response(request, error_body(status, detail, errors), status=status)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc):
        return respond(request, 422, _("Some input is not valid."), _field_errors(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def _domain_refusal(request, exc):
        # A domain function refused the input (the same message as the pages give).
        return respond(request, 422, " ".join(exc.messages))

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request, exc):
        response = respond(request, 401, _("A valid personal API token is required."))
        response["WWW-Authenticate"] = 'Bearer realm="ocop"'
        return response

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        return respond(request, exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return respond(request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return respond(request, 403, str(exc) or _("Forbidden."))

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500}
        )
        return respond(request, 500, "Internal server error")
