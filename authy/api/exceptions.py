"""One exception handler that maps every error to the envelope's error table."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

from authy.api.envelope import error_body
from authy.api.errors import ApiError, RateLimited

logger = logging.getLogger(__name__)


def _validation_details(detail):
    if isinstance(detail, dict):
        return {str(key): _as_message_list(value) for key, value in detail.items()}
    return {"non_field_errors": _as_message_list(detail)}


def _as_message_list(value):
    if isinstance(value, (list, tuple)):
        messages = []
        for item in value:
            messages.extend(_as_message_list(item))
        return messages
    if isinstance(value, dict):
        return [
            f"{key}: {msg}" for key, v in value.items() for msg in _as_message_list(v)
        ]
    return [str(value)]


def _drf_error(exc):
    """Return (status, error_type, message, details) for a DRF exception."""
    if isinstance(exc, drf.ValidationError):
        return (
            400,
            "VALIDATION_ERROR",
            "Validation failed",
            _validation_details(exc.detail),
        )
    if isinstance(exc, drf.ParseError):
        return 400, "BAD_REQUEST", "The request body is not valid JSON.", {}
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return (
            exc.status_code,
            (
                "AUTHENTICATION_ERROR"
                if exc.status_code == 401
                else "AUTHORIZATION_ERROR"
            ),
            str(exc.detail),
            {},
        )
    table = {
        drf.PermissionDenied: ("AUTHORIZATION_ERROR", None),
        drf.NotFound: ("NOT_FOUND", "Not found."),
        drf.MethodNotAllowed: ("METHOD_NOT_ALLOWED", None),
        drf.UnsupportedMediaType: (
            "UNSUPPORTED_MEDIA_TYPE",
            "The request body must be application/json.",
        ),
        drf.NotAcceptable: ("BAD_REQUEST", None),
        drf.Throttled: ("RATE_LIMIT_EXCEEDED", "Too many requests. Try again later."),
    }
    for exc_class, (error_type, message) in table.items():
        if isinstance(exc, exc_class):
            return exc.status_code, error_type, message or str(exc.detail), {}
    return exc.status_code, "BAD_REQUEST", str(exc.detail), {}


def classify(exc):
    """Return (status, error_type, message, details, headers) for any exception."""
    headers = {}
    if isinstance(exc, ApiError):
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        result = (exc.status_code, exc.error_type, exc.message, exc.details)
    elif isinstance(exc, Ratelimited):
        headers["Retry-After"] = "60"
        result = (429, "RATE_LIMIT_EXCEEDED", "Too many requests. Try again later.", {})
    elif isinstance(exc, drf.APIException):
        result = _drf_error(exc)
        if isinstance(exc, drf.Throttled) and exc.wait:
            headers["Retry-After"] = str(max(1, int(exc.wait)))
    elif isinstance(exc, Http404):
        result = (404, "NOT_FOUND", "Not found.", {})
    elif isinstance(exc, DjangoPermissionDenied):
        result = (403, "AUTHORIZATION_ERROR", "You are not allowed to do this.", {})
    elif isinstance(exc, RequestDataTooBig):
        result = (413, "PAYLOAD_TOO_LARGE", "The request body is too large.", {})
    elif isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", exc.__class__.__name__)
        result = (
            503,
            "SERVICE_UNAVAILABLE",
            "The service is temporarily unavailable.",
            {},
        )
    else:
        logger.error("Unhandled error while serving an API request", exc_info=exc)
        result = (500, "INTERNAL_ERROR", "An internal error occurred.", {})
    if result[0] == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if result[0] == 503:
        headers.setdefault("Retry-After", "5")
    return (*result, headers)


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every exception becomes an enveloped response."""
    status, error_type, message, details, headers = classify(exc)
    set_rollback()
    return Response(
        error_body(
            status=status, message=message, error_type=error_type, details=details
        ),
        status=status,
        headers=headers,
    )
