"""Request context and the guard that keeps every `/api/` answer inside the envelope."""

import re
import uuid

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

from authy.api.context import (
    RequestContext,
    bind_request_context,
    reset_request_context,
)
from authy.api.envelope import error_response, is_api_path
from authy.api.exceptions import classify
from authy.api.parsers import NUL_MESSAGE
from authy.client_ip import client_ip

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_USER_AGENT_MAX = 512

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def valid_request_id(value):
    """True for a caller-supplied request id safe to echo and log."""
    return bool(_REQUEST_ID.match(value))


class RequestContextMiddleware:
    """Assign the request id and bind the request context for services and logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if valid_request_id(incoming) else str(uuid.uuid4())
        request.request_id = request_id
        token = bind_request_context(
            RequestContext(
                request_id=request_id,
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:_USER_AGENT_MAX],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class ApiGuardMiddleware:
    """Refuse oversized bodies early; turn anything non-JSON under /api/ into JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        if not is_api_path(request.path):
            response = self.get_response(request)
            response.setdefault("Content-Security-Policy", DOCS_CSP)
            return response
        response = (
            self._body_size_error(request)
            or self._query_error(request)
            or self.get_response(request)
        )
        if response.status_code >= 400 and not _is_json(response):
            response = error_response(response.status_code)
        response["Cache-Control"] = "no-store"
        response.setdefault("Content-Security-Policy", API_CSP)
        return response

    def process_exception(self, request, exception):
        if not is_api_path(request.path):
            return None
        status, error_type, message, details, headers = classify(exception)
        response = error_response(status, message, error_type, details)
        for name, value in headers.items():
            response[name] = value
        return response

    @staticmethod
    def _query_error(request):
        # PostgreSQL refuses NUL in text; a filter value holding one would be a 500.
        bad = sorted(
            {
                key
                for key, value in request.GET.lists()
                if "\x00" in key + "".join(value)
            }
        )
        if bad:
            return error_response(
                400,
                "Validation failed",
                "VALIDATION_ERROR",
                {key.replace("\x00", "") or "query": [NUL_MESSAGE] for key in bad},
            )
        return None

    @staticmethod
    def _body_size_error(request):
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return error_response(400, "The Content-Length header is not valid.")
        if length > settings.MAX_REQUEST_BODY:
            return error_response(413)
        return None


def _is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


# The API's browser redirect flows (OAuth/OIDC start and callback) keep their state
# in Django's session; every other /api/ path is served to bearer-token clients.
_BROWSER_FLOW = re.compile(r"^/api/v1/auth/[^/]+/(login|callback)$")


def serves_browsers(path):
    """True outside /api/ (admin, static) and for the API's browser redirect flows."""
    return not path.startswith("/api/") or bool(_BROWSER_FLOW.match(path))


class BrowserOnlyMixin:
    """Run the wrapped middleware only on paths that serve browsers.

    Sessions, the admin's authentication and messages are dead weight on a bearer
    request, and `/auth/me` sits in front of every request of every app.
    """

    def __call__(self, request):
        if serves_browsers(request.path):
            return super().__call__(request)
        return self.get_response(request)


class BrowserSessionMiddleware(BrowserOnlyMixin, SessionMiddleware):
    pass


class BrowserAuthenticationMiddleware(BrowserOnlyMixin, AuthenticationMiddleware):
    pass


class BrowserMessageMiddleware(BrowserOnlyMixin, MessageMiddleware):
    pass
