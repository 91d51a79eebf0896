"""The OpenAPI schema's error answers: one `Error` component (reelremix.api_errors' shape), and on every
operation the error statuses it can give, so a client generated from the schema knows them all. Added by a
drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS), not by hand in each view; a view's own
description of a status (e.g. 409 "not moderated yet") is kept, and given the Error body."""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_COMPONENT = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "for programs: invalid, quota_exceeded...",
                },
                "message": {"type": "string", "description": "for people"},
                "details": {
                    "type": "object",
                    "additionalProperties": {},
                    "description": "field errors (code invalid), or what was hit (402: limit, upgrade_url)",
                },
            },
        }
    },
}
DESCRIPTIONS = {
    "400": "The request is malformed or invalid (details name the fields).",
    "401": "No valid token or session.",
    "402": "The plan does not include this, or a quota is used up.",
    "403": "Not allowed.",
    "404": "Not found.",
    "409": "Conflict with the current state.",
    "413": "The upload is too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests: wait for Retry-After seconds.",
    "503": "Briefly unavailable (the database did not answer): try again after Retry-After seconds.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}}
WRITES = {"post", "put", "patch"}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """SPECTACULAR_SETTINGS POSTPROCESSING_HOOKS: the Error component and each operation's error codes."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            _optional_query_may_be_blank(operation)
            responses = operation.setdefault("responses", {})
            for code in error_codes(path, method, operation):
                _document(responses, code)
            for code in responses:  # statuses a view described without a body (409...)
                if code.startswith("4"):
                    _document(responses, code)
            operation["responses"] = dict(sorted(responses.items()))
    return result


def error_codes(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """What the operation can answer besides its success, from what it is: authenticated, a write, a
    detail route, a paginated list, an upload."""
    codes = ["429", "503"]
    security = operation.get("security", [])
    if {} not in security:
        codes += ["401", "403"]
        codes += ["402"] if any("tokenAuth" in scheme for scheme in security) else []
    params = {param["name"] for param in operation.get("parameters", []) if param.get("in") == "query"}
    if method in WRITES or params:
        codes.append("400")
    if "{" in path or "page" in params:  # an unknown id, or a page past the last
        codes.append("404")
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        codes.append("415")
    if "multipart/form-data" in body:
        codes.append("413")
    return codes


def _optional_query_may_be_blank(operation: dict[str, Any]) -> None:
    """DRF reads an optional query parameter given blank (`?q=`) as not given: say so (no minLength 1)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and not parameter.get("required"):
            parameter.get("schema", {}).pop("minLength", None)


def _document(responses: dict[str, Any], code: str) -> None:
    response = responses.setdefault(code, {})
    if not response.get("description"):
        response["description"] = DESCRIPTIONS.get(code, "Error.")
    response.setdefault("content", {"application/json": {"schema": ERROR_REF}})
    if code in ("429", "503"):
        response["headers"] = RETRY_AFTER
