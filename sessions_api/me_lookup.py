"""The one statement behind the `/auth/me` fast path, and the answer built from it.

It reads the session by token hash, its user and the user's organizations (one row
per membership), fresh from the database on every call: no cache stands between a
revocation, a suspension or a role change and the next request.
"""

import itertools
import time
from collections import namedtuple

from django.conf import settings
from django.db import DatabaseError

from accounts.models import UserStatus
from accounts.serializers import user_payload
from sessions_api.authentication import ACTIVITY_WRITE_INTERVAL
from sessions_api.models import Session
from sessions_api.serializers import session_payload

try:
    import psycopg
    from psycopg import pq
    from psycopg.adapt import Transformer
except ImportError:  # an install that only ever uses SQLite
    psycopg = None

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
LOOKUP_ATTRIBUTE = "_gatehouse_me_lookup"


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


DATABASE_ERRORS = (DatabaseError, _LookupFailed) + ((psycopg.Error,) if psycopg else ())


def _check(result, expected):
    if result.status != getattr(pq.ExecStatus, expected):
        raise _LookupFailed(result.status)


def lookup_for(connection):
    """The compiled lookup of this connection (each thread has its own)."""
    lookup = getattr(connection, LOOKUP_ATTRIBUTE, None)
    if lookup is None:
        lookup = _Lookup(connection)
        setattr(connection, LOOKUP_ATTRIBUTE, lookup)
    return lookup


def forget_lookups(connections):
    """Drop compiled lookups, so the next ones read the settings again."""
    for connection in connections.all(initialized_only=True):
        connection.__dict__.pop(LOOKUP_ATTRIBUTE, None)


def me_payload(rows, now):
    """Build the `/auth/me` data from the lookup's rows.

    None when the full stack must answer instead: the session expired, the user is
    not active, or an activity write is due.
    """
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
