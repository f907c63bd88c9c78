"""PostgreSQL unreachable: every endpoint answers a quick 503 envelope, then heals."""

import uuid

import pytest
from django.db import connection
from django.urls import Resolver404, resolve

from sessions_api.services import create_session
from tests.scaleout_support import (
    ANSWER_WITHIN,
    PASSWORD,
    Api,
    RedisProcess,
    Server,
    TcpLink,
    needs_postgres,
    needs_redis_server,
    start_servers,
    stop_all,
    test_database_url,
    wait_until,
)

pytestmark = [pytest.mark.slow, needs_postgres, needs_redis_server]

_ANY_ID = "00000000-0000-4000-8000-000000000000"
# Every endpoint of the contract; {org} is a real organization when the
# organization endpoints exist, and ids that name nothing otherwise.
ENDPOINTS = [
    (
        "POST",
        "/api/v1/auth/register",
        {"email": "new@example.com", "password": PASSWORD},
    ),
    ("POST", "/api/v1/auth/login", {"email": "x@example.com", "password": PASSWORD}),
    ("POST", "/api/v1/auth/logout", None),
    ("GET", "/api/v1/auth/me", None),
    ("GET", "/api/v1/auth/sessions", None),
    ("DELETE", f"/api/v1/auth/sessions/{_ANY_ID}", None),
    ("DELETE", "/api/v1/auth/sessions", None),
    ("GET", "/api/v1/users/me", None),
    ("PATCH", "/api/v1/users/me", {"full_name": "Down"}),
    ("DELETE", "/api/v1/users/me", {"password": PASSWORD}),
    (
        "POST",
        "/api/v1/users/me/password",
        {"current_password": PASSWORD, "new_password": "Another-Horse-Battery-7"},
    ),
    ("GET", "/api/v1/users/me/organizations", None),
    ("GET", "/api/v1/users/me/audit-logs", None),
    ("POST", "/api/v1/organizations", {"name": "Down Org"}),
    ("GET", f"/api/v1/organizations/{_ANY_ID}", None),
    ("PATCH", f"/api/v1/organizations/{_ANY_ID}", {"name": "Down"}),
    ("DELETE", f"/api/v1/organizations/{_ANY_ID}", None),
    ("GET", f"/api/v1/organizations/{_ANY_ID}/members", None),
    (
        "POST",
        f"/api/v1/organizations/{_ANY_ID}/members",
        {"email": "x@example.com", "role": "member"},
    ),
    ("DELETE", f"/api/v1/organizations/{_ANY_ID}/members/{_ANY_ID}", None),
    (
        "PATCH",
        f"/api/v1/organizations/{_ANY_ID}/members/{_ANY_ID}/role",
        {"role": "admin"},
    ),
    ("GET", f"/api/v1/organizations/{_ANY_ID}/audit-logs", None),
]


def _routed(path):
    try:
        resolve(path)
        return True
    except Resolver404:
        return False


@pytest.fixture(scope="module")
def services(django_db_setup):
    redis = RedisProcess()
    redis.start()
    settings = connection.settings_dict
    link = TcpLink(settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432)
    link.restore()
    yield redis, link
    link.cut()
    redis.kill()


def _server_env(redis, link):
    return {
        "DATABASE_URL": test_database_url(port=link.port),
        "REDIS_URL": redis.url(6),
        "DB_CONNECT_TIMEOUT": "3",
    }


@pytest.fixture(scope="module")
def server(services, tmp_path_factory):
    redis, link = services
    (started,) = start_servers(
        Server("pg-outage", tmp_path_factory.mktemp("pg"), **_server_env(redis, link))
    )
    yield started
    stop_all(started)


@pytest.fixture
def link(services, transactional_db):
    _, tcp_link = services
    yield tcp_link
    tcp_link.cut()
    tcp_link.restore()


@pytest.fixture
def token(user_factory):
    _, token = create_session(user_factory())
    return token


def _is_503_envelope(answer):
    return (
        answer.status == 503
        and answer.body.get("code") == 503
        and answer.body.get("success") is False
        and answer.error_type == "SERVICE_UNAVAILABLE"
        and answer.headers.get("Content-Type", "").startswith("application/json")
        and answer.seconds < ANSWER_WITHIN
    )


def _health_status(api, server):
    return api.call(server, "GET", "/api/health").status


def test_every_endpoint_answers_503_while_the_database_is_down_then_recovers(
    server, link, token
):
    # given: the token is valid and cached before the database goes away
    api = Api()
    endpoints = [entry for entry in ENDPOINTS if _routed(entry[1])]
    me_routed = _routed("/api/v1/auth/me")
    if me_routed:
        assert api.call(server, "GET", "/api/v1/auth/me", token=token).status == 200
    pid = server.process.pid
    link.cut()

    # when
    health = api.call(server, "GET", "/api/health")
    answers = {
        f"{method} {path}": api.call(server, method, path, token=token, json=body)
        for method, path, body in endpoints
    }
    unknown_token = api.call(server, "GET", "/api/v1/auth/me", token=uuid.uuid4().hex)

    # then
    assert _is_503_envelope(health), health
    assert health.body["error"]["details"]["checks"]["database"] == "unavailable"
    assert health.headers["Retry-After"]
    failed = {
        name: answer for name, answer in answers.items() if not _is_503_envelope(answer)
    }
    assert failed == {}
    assert all("Traceback" not in str(answer.body) for answer in answers.values())
    if me_routed:
        assert _is_503_envelope(unknown_token), unknown_token

    # when the database returns, the same processes recover
    link.restore()

    # then
    assert wait_until(lambda: _health_status(api, server) == 200, timeout=30)
    assert server.process.pid == pid
    if me_routed:
        assert api.call(server, "GET", "/api/v1/auth/me", token=token).status == 200
    else:
        pytest.skip("GET /api/v1/auth/me is not available on this branch yet")


def test_a_database_that_accepts_connections_but_never_answers_gets_503_in_time(
    server, link, token
):
    # given
    api = Api()
    link.stall()

    # when
    answers = [
        api.call(server, "GET", "/api/health"),
        api.call(server, "GET", "/api/health"),
        api.call(server, "GET", "/api/v1/auth/me", token=token),
    ]
    link.restore()

    # then: the connect timeout (3 s here), not a hung worker, decides
    assert all(_is_503_envelope(answer) for answer in answers), answers
    assert wait_until(lambda: _health_status(api, server) == 200, timeout=30)


def test_server_started_while_the_database_is_down_answers_503_then_recovers(
    services, link, token, tmp_path
):
    # given
    redis, _ = services
    api = Api()
    link.cut()

    # when
    (server,) = start_servers(Server("late", tmp_path, **_server_env(redis, link)))
    try:
        health = api.call(server, "GET", "/api/health")
        me = api.call(server, "GET", "/api/v1/auth/me", token=token)
        login = api.call(
            server,
            "POST",
            "/api/v1/auth/login",
            json={"email": "x@example.com", "password": PASSWORD},
        )
        link.restore()
        recovered = wait_until(lambda: _health_status(api, server) == 200, timeout=30)
        me_after = api.call(server, "GET", "/api/v1/auth/me", token=token)
    finally:
        stop_all(server)

    # then
    assert _is_503_envelope(health), health
    assert recovered
    if not _routed("/api/v1/auth/me"):
        pytest.skip("GET /api/v1/auth/me is not available on this branch yet")
    assert _is_503_envelope(me), me
    assert _is_503_envelope(login), login
    assert me_after.status == 200, me_after.body
