"""`GET /api/v1/auth/me` answered in one query, in front of Django's request cycle.

Every application behind Gatehouse asks `/auth/me` on each of its own requests, so
this is the request whose cost decides how much Gatehouse adds to theirs. Through
the full stack (the request cycle, eleven middleware, DRF's request, negotiation,
authentication and rendering) it costs several times a bare Django view. This WSGI
wrapper answers the common case itself:

- a `GET` of exactly `/api/v1/auth/me` with no query string, no body, no `Origin`
  header, an allowed `Host`, and one well-formed bearer token;
- one SQL statement reads the session, its user and the user's organizations
  together, fresh from the database, so a revoked session, a suspended user or a
  changed role is seen by the very next request whatever the cache holds;
- the session is live, the user active, and no `last_activity_at` write is due.

Everything else (no token, an unknown, expired or revoked one, CORS, an HTTPS
redirect, a database error, an activity write that is due) goes to Django
unchanged, and the full stack answers it and records whatever it records. The
answer carries the same body and headers as the full stack's; tests compare them.
"""

import json
import logging
import uuid

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from django.http.request import split_domain_port, validate_host
from django.utils import timezone

from authy.api.context import (
    RequestContext,
    bind_request_context,
    reset_request_context,
)
from authy.api.envelope import success_body
from authy.middleware import API_CSP, valid_request_id
from sessions_api.authentication import MAX_TOKEN_LENGTH
from sessions_api.me_lookup import (
    DATABASE_ERRORS,
    forget_lookups,
    lookup_for,
    me_payload,
)
from sessions_api.tokens import hash_token

logger = logging.getLogger(__name__)

ME_PATH = "/api/v1/auth/me"


def _bearer_token(environ):
    parts = environ.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    token = parts[1]
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    return token


class _Config:
    """The settings this path reads, taken once: settings access is not free."""

    def __init__(self):
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.allowed_hosts = settings.ALLOWED_HOSTS
        self.allowed_seen = set()
        # Cases the full stack treats specially are left to it.
        self.usable = not (
            settings.USE_X_FORWARDED_HOST
            or settings.DISALLOWED_USER_AGENTS
            or settings.PREPEND_WWW
        )
        self.plain_headers = tuple(self._security_headers(secure=False))
        self.secure_headers = tuple(self._security_headers(secure=True))

    @staticmethod
    def _security_headers(secure):
        """The headers SecurityMiddleware and XFrameOptionsMiddleware add."""
        if secure and settings.SECURE_HSTS_SECONDS:
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            yield "Strict-Transport-Security", value
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            yield "X-Content-Type-Options", "nosniff"
        policy = settings.SECURE_REFERRER_POLICY
        if policy:
            yield (
                "Referrer-Policy",
                policy if isinstance(policy, str) else ",".join(policy),
            )
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            opener = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
            yield "Cross-Origin-Opener-Policy", opener
        yield "X-Frame-Options", settings.X_FRAME_OPTIONS

    def is_secure(self, environ):
        if self.proxy_ssl_header:
            header, secure_value = self.proxy_ssl_header
            value = environ.get(header)
            if value is not None:
                return value.split(",", 1)[0].strip() == secure_value
        return environ.get("wsgi.url_scheme") == "https"

    def host_allowed(self, environ):
        host = environ.get("HTTP_HOST", "")
        if host in self.allowed_seen:
            return True
        domain, _port = split_domain_port(host)
        allowed = bool(domain) and validate_host(domain, self.allowed_hosts)
        # Remember a few allowed hosts; a wildcard pattern must not let callers
        # grow the set without bound.
        if allowed and len(self.allowed_seen) < 16:
            self.allowed_seen.add(host)
        return allowed

    def applies(self, environ):
        """True for the plain request this path answers exactly as the full stack."""
        return (
            self.usable
            and environ.get("REQUEST_METHOD") == "GET"
            and not environ.get("QUERY_STRING")
            and environ.get("CONTENT_LENGTH", "0") in ("", "0")
            and "HTTP_ORIGIN" not in environ
            and self.host_allowed(environ)
        )


_config = None


def _current_config():
    global _config
    if _config is None:
        _config = _Config()
    return _config


@receiver(setting_changed)
def _forget_config(setting=None, **kwargs):
    global _config
    _config = None
    if setting == "DB_PREPARED_STATEMENTS":
        forget_lookups(connections)


# The output of DRF's JSONRenderer under our settings (compact, UTF-8, no NaN),
# without building an encoder per answer.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _render(body):
    text = _ENCODER.encode(body)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def _request_id(environ):
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    return incoming if valid_request_id(incoming) else str(uuid.uuid4())


class MeFastPath:
    """WSGI wrapper: answer the common `GET /auth/me` itself, pass the rest on."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == ME_PATH:
            answer = self._answer(environ, _current_config())
            if answer is not None:
                headers, body = answer
                start_response("200 OK", headers)
                return [body]
        return self.application(environ, start_response)

    def _answer(self, environ, config):
        if not config.applies(environ):
            return None
        secure = config.is_secure(environ)
        token = _bearer_token(environ)
        if token is None or (config.ssl_redirect and not secure):
            return None
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            # What Django does when a request starts: drop a connection that is
            # past its age or broke in an earlier request. Never inside an open
            # transaction (tests run each one inside one).
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
            # Django would check a reused connection with an extra round trip
            # first. A dead one fails this query instead, and the full stack then
            # answers on a fresh connection, so the check is not needed here.
            connection.health_check_done = True
            rows = lookup_for(connection).rows(hash_token(token))
        except DATABASE_ERRORS as error:
            connection.close()
            self._log_detour(environ, error)
            return None
        if not rows:
            return None
        data = me_payload(rows, timezone.now())
        if data is None:
            return None
        request_id = _request_id(environ)
        context = bind_request_context(RequestContext(request_id=request_id))
        try:
            body = _render(success_body(data, status=200, message="OK"))
        finally:
            reset_request_context(context)
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Allow", "GET, HEAD, OPTIONS"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("Content-Security-Policy", API_CSP),
            ("Vary", "origin"),
            *(config.secure_headers if secure else config.plain_headers),
            ("X-Request-ID", request_id),
        ]
        return headers, body

    @staticmethod
    def _log_detour(environ, error):
        # The full stack answers under the same request id, so this line and its
        # answer (a 200 on a fresh connection, or the 503) can be matched.
        request_id = _request_id(environ)
        environ["HTTP_X_REQUEST_ID"] = request_id
        context = bind_request_context(RequestContext(request_id=request_id))
        try:
            logger.warning(
                "auth/me fast path: database error (%s); the full stack answers",
                type(error).__name__,
            )
        finally:
            reset_request_context(context)
