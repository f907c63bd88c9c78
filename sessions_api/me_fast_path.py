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

import itertools
import json
import time
import uuid
from collections import namedtuple

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.dispatch import receiver
from django.http.request import split_domain_port, validate_host
from django.utils import timezone

from accounts.models import UserStatus
from accounts.serializers import user_payload
from authy.api.context import (
    RequestContext,
    bind_request_context,
    reset_request_context,
)
from authy.api.envelope import success_body
from authy.middleware import API_CSP, valid_request_id
from sessions_api.authentication import ACTIVITY_WRITE_INTERVAL, MAX_TOKEN_LENGTH
from sessions_api.models import Session
from sessions_api.serializers import session_payload
from sessions_api.tokens import hash_token

try:
    import psycopg
    from psycopg import pq
    from psycopg.adapt import Transformer
except ImportError:  # an install that only ever uses SQLite
    psycopg = None

ME_PATH = "/api/v1/auth/me"

_SESSION_COLUMNS = (
    "id",
    "created_at",
    "expires_at",
    "last_activity_at",
    "ip_address",
    "user_agent",
    "auth_method",
)
_USER_COLUMNS = (
    "id",
    "email",
    "email_verified",
    "full_name",
    "avatar_url",
    "status",
    "last_login_at",
    "created_at",
    "updated_at",
)
_ORG_COLUMNS = (
    "user__memberships__organization_id",
    "user__memberships__organization__name",
    "user__memberships__organization__slug",
    "user__memberships__role",
)
_SessionRow = namedtuple("_SessionRow", _SESSION_COLUMNS)
_UserRow = namedtuple("_UserRow", _USER_COLUMNS)
_USER_START = len(_SESSION_COLUMNS)
_ORG_START = _USER_START + len(_USER_COLUMNS)
# Stands for the token hash while the statement is compiled; real hashes are 64
# hex digits, so it can never match one.
_HASH_PLACEHOLDER = "token-hash-placeholder"


# Each lookup prepares under its own name: one built after a settings change in
# the same process must not collide with the statement of the one before.
_statement_numbers = itertools.count(1)


class _LookupFailed(Exception):
    """libpq answered with an error result instead of raising."""


class _Lookup:
    """The lookup's SQL, compiled by the ORM once per database connection.

    Compiling a query costs more than running this one, and its text never
    changes, only the token hash bound into it. The ORM's own converters are kept
    so values come back as the ORM returns them (UUIDs and dates on SQLite).

    On PostgreSQL the statement is prepared once per connection and run through
    psycopg's libpq wrapper with binary results: PostgreSQL does not plan the
    four-table join again on every request (planning cost more than running it),
    psycopg decodes the row in C, and the cursor machinery, which cost about as
    much as the round trip itself, is skipped.
    """

    def __init__(self, connection):
        queryset = (
            Session.objects.filter(token_hash=_HASH_PLACEHOLDER, revoked_at=None)
            .order_by(
                "user__memberships__organization__name",
                "user__memberships__organization_id",
            )
            .values_list(
                *_SESSION_COLUMNS,
                *(f"user__{name}" for name in _USER_COLUMNS),
                *_ORG_COLUMNS,
            )
        )
        self.connection = connection
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.hash_index = self.params.index(_HASH_PLACEHOLDER)
        self.compiler = compiler
        self.converters = compiler.get_converters(
            [column[0] for column in compiler.select]
        )
        self.use_libpq = (
            connection.vendor == "postgresql"
            and psycopg is not None
            and settings.DB_PREPARED_STATEMENTS
            and self.params == [_HASH_PLACEHOLDER]
            and self.sql.count("%s") == 1
            and "%%" not in self.sql
        )
        self.libpq_sql = self.sql.replace("%s", "$1").encode()
        self.statement_name = b"gatehouse_auth_me_%d" % next(_statement_numbers)
        self._prepared_on = None
        self._transformer = None

    def rows(self, token_hash):
        if self.use_libpq:
            return self._rows_from_libpq(token_hash)
        params = list(self.params)
        params[self.hash_index] = token_hash
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        if self.converters:
            return list(self.compiler.apply_converters(fetched, self.converters))
        return fetched

    def _rows_from_libpq(self, token_hash):
        connection = self.connection
        connection.ensure_connection()
        pgconn = connection.connection.pgconn
        if self._prepared_on is not pgconn:
            _check(pgconn.prepare(self.statement_name, self.libpq_sql), "COMMAND_OK")
            self._prepared_on = pgconn
            self._transformer = Transformer(connection.connection)
        started = time.monotonic()
        result = pgconn.exec_prepared(
            self.statement_name,
            [token_hash.encode()],
            result_format=pq.Format.BINARY,
        )
        _check(result, "TUPLES_OK")
        self._transformer.set_pgresult(result)
        rows = self._transformer.load_rows(0, result.ntuples, tuple)
        if connection.queries_logged:
            # What Django's debug cursor records, so tests can count this query.
            connection.queries_log.append(
                {"sql": self.sql, "time": f"{time.monotonic() - started:.3f}"}
            )
        return rows


_DATABASE_ERRORS = (DatabaseError, _LookupFailed) + (
    (psycopg.Error,) if psycopg else ()
)


def _check(result, expected):
    if result.status != getattr(pq.ExecStatus, expected):
        raise _LookupFailed(result.status)


def _lookup(connection):
    lookup = getattr(connection, "_gatehouse_me_lookup", None)
    if lookup is None:
        lookup = _Lookup(connection)
        connection._gatehouse_me_lookup = lookup
    return lookup


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
        for connection in connections.all(initialized_only=True):
            connection.__dict__.pop("_gatehouse_me_lookup", None)


def _payload(rows, now):
    first = rows[0]
    session = _SessionRow._make(first[:_USER_START])
    if session.ip_address is not None:
        # PostgreSQL's binary inet arrives as an ipaddress object; the ORM gives
        # its text form, which is what str() of it writes.
        session = session._replace(ip_address=str(session.ip_address))
    user = _UserRow._make(first[_USER_START:_ORG_START])
    if session.expires_at <= now or user.status != UserStatus.ACTIVE:
        return None
    if now - session.last_activity_at >= ACTIVITY_WRITE_INTERVAL:
        return None
    organizations = [
        {"id": str(org_id), "name": name, "slug": slug, "role": role}
        for org_id, name, slug, role in (row[_ORG_START:] for row in rows)
        if org_id is not None
    ]
    return {
        "user": user_payload(user),
        "organizations": organizations,
        "session": session_payload(session, session.id),
    }


# The output of DRF's JSONRenderer under our settings (compact, UTF-8, no NaN),
# without building an encoder per answer.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _render(body):
    text = _ENCODER.encode(body)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


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
            rows = _lookup(connection).rows(hash_token(token))
        except _DATABASE_ERRORS:
            connection.close()
            return None
        if not rows:
            return None
        data = _payload(rows, timezone.now())
        if data is None:
            return None
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if valid_request_id(incoming) else str(uuid.uuid4())
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
