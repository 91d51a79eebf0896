"""One error shape for every failure under /api/: `{"error": {"code", "message", "details"}}`.

DRF's views answer through `exception_handler` (REST_FRAMEWORK's EXCEPTION_HANDLER); what happens before
or outside a DRF view (an unknown /api/ URL, a body too large for Django, a crash in middleware) through
the tenant urlconf's handler400/403/404/500 below, which keep the HTML pages for browsers.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response

from reelremix.errors import Refusal

logger = logging.getLogger("reelremix.api")

API_PREFIX = "/api/"

# A lower app's own exception -> the API error it means (billing registers its refusals: 402).
_translations: dict[type[Exception], Callable[[Any], exceptions.APIException]] = {}


class ApiError(exceptions.APIException):
    """An answer in the error shape, with a code for programs, a message for people and details."""

    def __init__(
        self, status_code: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, code)
        self.status_code, self.details = status_code, details or {}


class PayloadTooLarge(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", message)


# The database did not answer (PostgreSQL restarting, unreachable, no pooled connection free in time): a
# passing state, answered 503 with Retry-After, not a 500 that reads as our bug.
DATABASE_OUTAGE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = (
    "ReelRemix is briefly unavailable (its database did not answer); try again in a few seconds."
)


class ServiceUnavailable(ApiError):
    wait = RETRY_AFTER_SECONDS  # DRF's handler answers it as the Retry-After header

    def __init__(self) -> None:
        super().__init__(status.HTTP_503_SERVICE_UNAVAILABLE, "unavailable", UNAVAILABLE_MESSAGE)


def register_translation(kind: type[Exception], translate: Callable[[Any], exceptions.APIException]) -> None:
    """API views let `kind` propagate; the handler answers what `translate(error)` says."""
    _translations[kind] = translate


register_translation(Refusal, lambda refusal: ApiError(refusal.status, refusal.code, refusal.message))


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def is_api(request: HttpRequest) -> bool:
    """A call of the API: under /api/, or with a token (the media files the API links to, e.g. a clip's
    .mp4, are outside /api/ and answer programs that fetch them with a token in the API's shape)."""
    return request.path.startswith(API_PREFIX) or "HTTP_AUTHORIZATION" in request.META


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's answer (its status and headers: WWW-Authenticate, Retry-After), in the one shape."""
    # Imported here: rest_framework.views reads the authentication classes as it loads, and billing's
    # (which imports this module for PaymentRequired) is one of them.
    from rest_framework.views import exception_handler as drf_exception_handler

    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:  # not an API exception: a bug, answered 500 in the shape and logged
        request = context.get("request")
        logger.error("Internal error on %s", getattr(request, "path", "?"), exc_info=exc)
        return Response(error_body("server_error", "Internal server error."), status=500)
    assert isinstance(exc, exceptions.APIException)  # drf_exception_handler answers no other kind
    response.data = _body(exc)
    return response


def _as_api_exception(exc: Exception) -> Exception:
    for kind, translate in _translations.items():
        if isinstance(exc, kind):
            return translate(exc)
    if isinstance(exc, DATABASE_OUTAGE):
        logger.warning("The database did not answer; answered 503: %s", exc)
        return ServiceUnavailable()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(str(exc) or "The request body is too large.")
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(str(exc) or "Malformed request.")
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return error_body("invalid", _first_message(details), details)
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    return error_body(str(code), str(detail), getattr(exc, "details", None))


def _first_message(details: Any) -> str:
    """The first field error, for people: 'title: This field may not be blank.'"""
    field, errors = next(iter(details.items()), ("", ["Invalid input."]))
    while isinstance(errors, (list, dict)) and errors:
        errors = errors[0] if isinstance(errors, list) else next(iter(errors.values()))
    text = str(errors) if errors else "Invalid input."
    return text if field in ("", "non_field_errors") else f"{field}: {text}"


def _json(status_code: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _json(413, "too_large", "The request body is too large.")
    return _json(400, "parse_error", "Malformed request.")


def handler403(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return _json(403, "permission_denied", "You do not have permission to perform this action.")


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return _json(404, "not_found", "Not found.")


def handler500(request: HttpRequest) -> HttpResponse:
    """Django has logged the exception (django.request) before it calls this, inside its `except`: a database
    outage met outside a DRF view (the tenant's host looked up, a page's session read) answers 503."""
    if isinstance(sys.exc_info()[1], DATABASE_OUTAGE):
        return _unavailable(request)
    if not is_api(request):
        return defaults.server_error(request)
    return _json(500, "server_error", "Internal server error.")


def _unavailable(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        response: HttpResponse = _json(503, "unavailable", UNAVAILABLE_MESSAGE)
    else:  # rendered without the request: its context processors would ask the database
        response = HttpResponse(
            loader.get_template("503.html").render({"message": UNAVAILABLE_MESSAGE}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
