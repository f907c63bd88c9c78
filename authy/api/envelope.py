"""Builders of the JSON envelope every `/api/` response is wrapped in."""

from django.http import JsonResponse

from authy.api.context import get_request_context

API_VERSION = "1.0"
API_PREFIX = "/api/"

# Paths under /api/ that serve raw OpenAPI or HTML rather than the envelope.
UNWRAPPED_PREFIXES = ("/api/schema/", "/api/docs/", "/api/redoc/")

ERROR_TYPES = {
    400: "BAD_REQUEST",
    401: "AUTHENTICATION_ERROR",
    403: "AUTHORIZATION_ERROR",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "BAD_REQUEST",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}

DEFAULT_MESSAGES = {
    200: "OK",
    201: "Created",
    400: "The request is malformed.",
    401: "Authentication credentials were not provided or are not valid.",
    403: "You are not allowed to do this.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "The request conflicts with the current state.",
    413: "The request body is too large.",
    415: "The request body must be application/json.",
    429: "Too many requests. Try again later.",
    500: "An internal error occurred.",
    503: "The service is temporarily unavailable.",
}


def is_api_path(path):
    return path.startswith(API_PREFIX) and not path.startswith(UNWRAPPED_PREFIXES)


def success_body(data, *, status, message=None, meta=None):
    body = {
        "version": API_VERSION,
        "success": True,
        "code": status,
        "message": message or DEFAULT_MESSAGES.get(status, "OK"),
        "request_id": get_request_context().request_id,
        "data": {} if data is None else data,
    }
    if meta is not None:
        body["meta"] = meta
    return body


def error_body(*, status, message=None, error_type=None, details=None):
    return {
        "version": API_VERSION,
        "success": False,
        "code": status,
        "message": message or DEFAULT_MESSAGES.get(status, "The request failed."),
        "request_id": get_request_context().request_id,
        "error": {
            "type": error_type or ERROR_TYPES.get(status, "BAD_REQUEST"),
            "details": details or {},
        },
    }


def error_response(status, message=None, error_type=None, details=None):
    """Build an enveloped error outside DRF (middleware, URL handlers)."""
    response = JsonResponse(
        error_body(
            status=status, message=message, error_type=error_type, details=details
        ),
        status=status,
    )
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response
