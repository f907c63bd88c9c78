"""The `/auth/me` fast path: the same answers as the full stack, or none at all.

Each request here goes through the WSGI application gunicorn serves, built the way
`authy/wsgi.py` builds it, with the Django application behind it wrapped so a test
can tell whether the fast path answered or handed the request on.
"""

import json
from datetime import timedelta

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User, UserStatus
from authy.logging import RequestIdFilter
from authy.wsgi import django_application
from organizations.models import Membership, Organization
from sessions_api import services
from sessions_api.me_fast_path import ME_PATH, MeFastPath
from sessions_api.models import Session
from tests.wsgi_support import keeping_test_transaction

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the prepared statement is PostgreSQL's"
)


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {name.lower(): value for name, value in headers}
        self.body = body

    def json(self):
        return json.loads(self.body)


class Served:
    """Send one WSGI request, either to the wrapped application or to Django."""

    def __init__(self):
        self.handed_on = 0
        self.django = django_application
        self.app = MeFastPath(self._django)

    def rebuild(self):
        """Build Django's middleware again: some read their settings only then."""
        self.django = WSGIHandler()

    def _django(self, environ, start_response):
        self.handed_on += 1
        return self.django(environ, start_response)

    def get(self, token=None, *, path=ME_PATH, method="GET", direct=False, **extra):
        extra.setdefault("HTTP_X_REQUEST_ID", "fast-path-test")
        extra.setdefault("HTTP_HOST", "testserver")
        if token is not None:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {token}")
        environ = RequestFactory().generic(method, path, **extra).environ
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured.update(status=int(status.split()[0]), headers=headers)

        app = self.django if direct else self.app
        with keeping_test_transaction():
            chunks = app(environ, start_response)
            try:
                body = b"".join(chunks)
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        return Answer(captured["status"], captured["headers"], body)


@pytest.fixture
def served():
    return Served()


@pytest.fixture
def member(user_factory):
    user = user_factory(full_name="Grace Hopper")
    # Names whose order differs between code points and a locale's collation, and
    # characters JSON must escape the way DRF does.
    for name, slug, role in [
        ("beta Works", "beta-works", "member"),
        ("Alpha Labs", "alpha-labs", "owner"),
        ("Ünïcode \u2028 Guild", "unicode-guild", "guest"),
        ("alpha Minor", "alpha-minor", "admin"),
    ]:
        organization = Organization.objects.create(name=name, slug=slug)
        Membership.objects.create(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def token(member):
    _session, token = services.create_session(member)
    Session.objects.filter(token_hash=_session.token_hash).update(
        ip_address="203.0.113.9", user_agent="Fast/1.0 \u00e9"
    )
    return token


def assert_same_answer(fast, full):
    assert fast.status == full.status
    assert fast.body == full.body
    assert fast.headers == full.headers


def test_answers_byte_for_byte_as_the_full_stack(served, token):
    # when
    fast = served.get(token)
    full = served.get(token, direct=True)

    # then
    assert served.handed_on == 0
    assert fast.status == 200
    assert_same_answer(fast, full)
    data = fast.json()["data"]
    assert [org["slug"] for org in data["organizations"]] == [
        org["slug"] for org in full.json()["data"]["organizations"]
    ]
    assert len(data["organizations"]) == 4
    assert data["session"]["ip_address"] == "203.0.113.9"
    assert data["session"]["is_current"] is True


def test_a_user_without_organizations_gets_an_empty_list(served, user_factory):
    # given
    _session, token = services.create_session(user_factory())

    # when
    fast = served.get(token)

    # then
    assert served.handed_on == 0
    assert fast.json()["data"]["organizations"] == []
    assert_same_answer(fast, served.get(token, direct=True))


def test_runs_one_read_and_no_write(served, token):
    # given
    served.get(token)

    # when
    with CaptureQueriesContext(connection) as captured:
        answer = served.get(token)

    # then
    assert answer.status == 200
    assert served.handed_on == 0
    assert len(captured.captured_queries) == 1
    assert captured.captured_queries[0]["sql"].lstrip().upper().startswith("SELECT")


def test_a_fresh_request_id_is_made_when_none_or_a_bad_one_is_sent(served, token):
    # when
    answer = served.get(token, HTTP_X_REQUEST_ID="bad id\n")

    # then
    assert served.handed_on == 0
    request_id = answer.headers["x-request-id"]
    assert request_id != "bad id\n" and len(request_id) == 36
    assert answer.json()["request_id"] == request_id


def test_a_revoked_session_is_refused_on_the_very_next_request(served, token):
    # given
    assert served.get(token).status == 200
    session = Session.objects.get(revoked_at=None, user__full_name="Grace Hopper")

    # when
    services.revoke_session(session, "logout")
    answer = served.get(token)

    # then
    assert answer.status == 401
    assert served.handed_on == 1


def test_a_suspension_by_queryset_update_is_seen_at_once(served, member, token):
    # given
    assert served.get(token).status == 200

    # when
    User.objects.filter(pk=member.pk).update(status=UserStatus.SUSPENDED)
    answer = served.get(token)

    # then
    assert answer.status == 401
    assert served.handed_on == 1


def test_a_role_changed_by_queryset_update_is_seen_at_once(served, member, token):
    # when
    Membership.objects.filter(user=member).update(role="guest")
    answer = served.get(token)

    # then
    assert served.handed_on == 0
    assert {org["role"] for org in answer.json()["data"]["organizations"]} == {"guest"}


def test_an_expired_session_is_left_to_the_full_stack(served, token):
    # given
    Session.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    # when
    answer = served.get(token)

    # then
    assert answer.status == 401
    assert served.handed_on == 1


def test_a_due_activity_write_is_left_to_the_full_stack(served, token):
    # given
    stale = timezone.now() - timedelta(minutes=5)
    Session.objects.update(last_activity_at=stale)

    # when
    first = served.get(token)
    second = served.get(token)

    # then: the full stack wrote the activity, so the next one is answered here
    assert first.status == second.status == 200
    assert served.handed_on == 1
    assert Session.objects.get().last_activity_at > stale
    assert first.json()["data"]["user"] == second.json()["data"]["user"]


@pytest.mark.parametrize(
    "request_options",
    [
        pytest.param({"token": None}, id="no token"),
        pytest.param({"token": "unknown-token"}, id="unknown token"),
        pytest.param({"HTTP_AUTHORIZATION": "Bearer two words"}, id="malformed"),
        pytest.param({"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, id="basic"),
        pytest.param({"token": "é" * 10}, id="non-ascii token"),
        pytest.param({"token": "x" * 300}, id="overlong token"),
        pytest.param({"path": ME_PATH + "?fields=all"}, id="query string"),
        pytest.param({"HTTP_ORIGIN": "https://app.example.com"}, id="cors"),
        pytest.param({"method": "HEAD"}, id="head"),
        pytest.param({"method": "POST"}, id="post"),
        pytest.param({"path": ME_PATH + "/"}, id="trailing slash"),
        pytest.param({"HTTP_HOST": "evil.example.com"}, id="disallowed host"),
    ],
)
def test_anything_unusual_gets_the_full_stacks_answer(served, token, request_options):
    # given
    options = {"token": token, **request_options}

    # when
    fast = served.get(**options)
    full = served.get(**options, direct=True)

    # then
    assert served.handed_on == 1
    assert_same_answer(fast, full)


def test_the_https_redirect_is_left_to_the_full_stack(served, token, settings):
    # given
    settings.SECURE_SSL_REDIRECT = True
    served.rebuild()

    # when
    answer = served.get(token)

    # then
    assert served.handed_on == 1
    assert answer.status == 301


def test_behind_a_tls_proxy_it_adds_hsts_like_the_full_stack(served, token, settings):
    # given
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 600
    settings.SECURE_HSTS_PRELOAD = True
    served.rebuild()
    forwarded = {"wsgi.url_scheme": "https"}

    # when
    fast = served.get(token, **forwarded)
    full = served.get(token, direct=True, **forwarded)

    # then
    assert served.handed_on == 0
    assert "preload" in fast.headers["strict-transport-security"]
    assert_same_answer(fast, full)


def test_without_prepared_statements_it_answers_the_same(served, token, settings):
    # given
    prepared = served.get(token)
    settings.DB_PREPARED_STATEMENTS = False

    # when
    plain = served.get(token)

    # then
    assert served.handed_on == 0
    assert_same_answer(prepared, plain)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_lost_prepared_statement_costs_one_detour_not_an_error(
    served, user_factory, caplog
):
    # given: a pooler or DISCARD ALL dropped the statement behind psycopg's back
    session, token = services.create_session(user_factory())
    assert served.get(token).status == 200
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    # when
    with caplog.at_level("WARNING", logger="sessions_api.me_fast_path"):
        detour = served.get(token, HTTP_X_REQUEST_ID="")
    after = served.get(token)

    # then: one logged detour, under the id the full stack answered with
    assert detour.status == after.status == 200
    assert served.handed_on == 1
    assert detour.json()["data"] == after.json()["data"]
    (line,) = [r for r in caplog.records if r.name == "sessions_api.me_fast_path"]
    RequestIdFilter().filter(line)
    assert line.request_id == detour.headers["x-request-id"] != "-"
    assert token not in line.getMessage()
    assert session.token_hash not in line.getMessage()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_dead_connection_is_replaced_without_an_error(served, user_factory):
    # given: the server ended the connection (restart, idle timeout)
    _session, token = services.create_session(user_factory())
    assert served.get(token).status == 200
    connection.connection.close()

    # when
    answers = [served.get(token) for _ in range(3)]

    # then
    assert [answer.status for answer in answers] == [200, 200, 200]
    assert served.handed_on == 1
