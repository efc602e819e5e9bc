"""The OpenAPI document, made truthful about what every operation may answer.

django-ninja describes the success answers and the ones an operation
declares; ``OcopAPI.get_openapi_schema`` adds what ``http.api_view``,
``auth.py`` and ``errors.py`` answer for every operation: 429 (the limits,
declared in the document's ``info`` and in ``x-rate-limit``), 422 for an
operation with parameters or a body, 400 for a body that is not JSON, 401 and
403 for an operation that needs a token, 404 for a path with an identifier,
304 for a conditional GET, and the ``ETag``/``Cache-Control`` headers of GET
answers; each error with the one ``Error`` schema.
"""

from django.conf import settings
from ninja import NinjaAPI

from .errors import DESCRIPTIONS, Error

DESCRIPTION = """Dữ liệu Chương trình Mỗi xã một sản phẩm (OCOP) / OCOP programme data.

**Public operations** need no login. **Back-office operations** need a personal
API token (made by a person for themselves under *My account → My API tokens*),
sent as `Authorization: Bearer <token>`; they see exactly what the person sees on
the pages, through the roles chosen for the token, and write only with a token
that may write.

**Limits** (per minute): {public} calls per client address for public
operations, {token} calls per token for back-office operations; beyond, the
answer is 429 with `Retry-After`. Lists are paged by an opaque `cursor`
(`next` in the answer) and `limit` (at most 100).

**Errors** are JSON in one shape: `{{"status", "code", "detail", "errors"}}`.

**Caching**: GET answers carry an `ETag`; send it back in `If-None-Match` to get
304 Not Modified when nothing changed.
"""

ERROR_REF = {"$ref": "#/components/schemas/Error"}
JSON = "application/json"


def _error(status: int, extra_headers: dict | None = None) -> dict:
    answer = {"description": DESCRIPTIONS[status], "content": {JSON: {"schema": ERROR_REF}}}
    if extra_headers:
        answer["headers"] = extra_headers
    return answer


def limits() -> dict:
    return {
        "public_per_minute": settings.OCOP_API_PUBLIC_RATE_LIMIT,
        "token_per_minute": settings.OCOP_API_TOKEN_RATE_LIMIT,
    }


class OcopAPI(NinjaAPI):
    def get_operation_url_name(self, operation, router):
        """``api:public_products``, ``api:office_products``…: the two sides
        have operations of the same name."""
        name = operation.view_func.__name__
        module = operation.view_func.__module__.rsplit(".", 1)[-1]
        side = module.split("_", 1)[0]
        return f"{side}_{name}" if side in ("public", "office") else name

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["info"]["description"] = DESCRIPTION.format(
            public=settings.OCOP_API_PUBLIC_RATE_LIMIT, token=settings.OCOP_API_TOKEN_RATE_LIMIT
        )
        schema["info"]["x-rate-limit"] = limits()
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        if "Error" not in schemas:
            schemas["Error"] = Error.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in schemas["Error"].pop("$defs", {}).items():
                schemas.setdefault(name, definition)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                _complete(path, method, operation)
        return schema


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}}
GET_HEADERS = {
    "ETag": {"description": "Send it back in If-None-Match.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "Public or private caching.", "schema": {"type": "string"}},
}


def _complete(path: str, method: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    wanted = {429: _error(429, RETRY_AFTER)}
    if operation.get("parameters") or operation.get("requestBody"):
        wanted[422] = _error(422)
    if operation.get("requestBody"):
        wanted[400] = _error(400)
    if operation.get("security"):
        wanted[401] = _error(401)
        wanted[403] = _error(403)
    if "{" in path:
        wanted[404] = _error(404)
    for status, answer in wanted.items():
        responses.setdefault(status, answer)
    if method in ("get", "head"):
        responses.setdefault(304, {"description": "Not modified (If-None-Match matched)."})
        for status, answer in responses.items():
            if str(status).startswith("2"):
                answer.setdefault("headers", {}).update(GET_HEADERS)
