"""Redis stops, hangs, returns or is flushed: requests keep their promises."""

import pytest
from django.contrib.auth import get_user_model

from tests.scaleout_support import (
    Api,
    RedisProcess,
    Server,
    TcpLink,
    fast_enough,
    needs_postgres,
    needs_redis_server,
    require_endpoint,
    session_key_pattern,
    start_servers,
    stop_all,
    test_database_url,
    wait_until,
)

pytestmark = [pytest.mark.slow, needs_postgres, needs_redis_server]

# The index REDIS_URL names; caching must come back in this one, not in index 0.
REDIS_DB = 5
LOGIN_LIMIT = 2
LOCKOUT_THRESHOLD = 3
WORKERS = 2
_DOWN_LINE = "Redis unreachable"


@pytest.fixture(scope="module")
def redis():
    process = RedisProcess()
    process.start()
    yield process
    process.resume()
    process.kill()


@pytest.fixture(scope="module")
def link(redis):
    # The server reaches Redis through this link, so a test can also make Redis
    # unreachable while it keeps running with its data (a network partition).
    tcp_link = TcpLink("127.0.0.1", redis.port)
    tcp_link.restore()
    yield tcp_link
    tcp_link.cut()


@pytest.fixture(scope="module")
def server(django_db_setup, redis, link, tmp_path_factory):
    env = {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis.url(REDIS_DB, port=link.port),
        "REDIS_RETRY_SECONDS": "2",
        "WEB_CONCURRENCY": str(WORKERS),
        "RATELIMIT_ENABLE": "1",
        "RATELIMIT_LOGIN": f"{LOGIN_LIMIT}/h",
        "RATELIMIT_REGISTER": "1000/h",
        "LOGIN_LOCKOUT_THRESHOLD": str(LOCKOUT_THRESHOLD),
        "LOGIN_LOCKOUT_SECONDS": "600",
        "TRUSTED_PROXY_COUNT": "1",
    }
    (started,) = start_servers(
        Server("redis-outage", tmp_path_factory.mktemp("redis"), **env)
    )
    yield started
    stop_all(started)


@pytest.fixture
def api(server, redis, link, transactional_db):
    # Each test starts with a running, empty Redis that the server uses again.
    if redis.process.poll() is not None:
        redis.start()
    redis.resume()
    link.cut()
    link.restore()
    redis.client().flushall()
    client = Api()
    assert wait_until(lambda: _health(client, server) == "healthy")
    return client


def _health(api, server):
    answer = api.call(server, "GET", "/api/health")
    return answer.data.get("status") if answer.status == 200 else None


def _cached(redis, token):
    return bool(redis.client(REDIS_DB).keys(session_key_pattern(token)))


def _me(api, server, token):
    # An authenticated read through the bearer authentication and its Redis session
    # cache, which these tests are about. `/auth/me` does not use that cache: its
    # fast path reads the database (checked by _fast_me).
    return api.call(server, "GET", "/api/v1/users/me", token=token)


def _fast_me(api, server, token):
    return api.call(server, "GET", "/api/v1/auth/me", token=token)


def _require_me(api, server, token):
    answer = _me(api, server, token)
    require_endpoint(answer, "GET /api/v1/users/me")
    assert answer.status == 200, answer.body


def _warm(api, server, redis, token):
    """Use the token until its session is in Redis.

    A worker whose breaker an earlier outage opened skips Redis for a moment more,
    so the first request may land where nothing is cached yet.
    """
    _require_me(api, server, token)
    return wait_until(
        lambda: _me(api, server, token).status == 200 and _cached(redis, token)
    )


def test_dead_redis_costs_no_errors_and_caching_resumes_when_it_returns(
    server, redis, api
):
    # given: a cached session, a second one to end during the outage
    email, token = api.register(server)
    ending = api.login(server, email).data["token"]
    assert _warm(api, server, redis, token)
    lines_before = server.log().count(_DOWN_LINE)
    redis.kill()

    # when
    health = api.call(server, "GET", "/api/health")
    me = [_me(api, server, token) for _ in range(4)]
    logins = [api.login(server, email) for _ in range(LOGIN_LIMIT + 2)]
    logout = api.call(server, "POST", "/api/v1/auth/logout", token=ending)
    revoked = [_me(api, server, ending) for _ in range(3)]
    fast = [_fast_me(api, server, token), _fast_me(api, server, ending)]
    _, registered = api.register(server)

    # then: no answer waited, none failed, nothing revoked got in
    answers = [health, *me, *logins, logout, *revoked, *fast]
    assert all(fast_enough(answer) for answer in answers)
    assert health.status == 200
    assert health.data["status"] == "degraded"
    assert health.data["checks"] == {"database": "ok", "cache": "unavailable"}
    assert [answer.status for answer in me] == [200] * 4
    assert [answer.status for answer in logins] == [200] * (LOGIN_LIMIT + 2)
    assert logout.status == 200, logout.body
    assert [answer.status for answer in revoked] == [401] * 3
    assert [answer.status for answer in fast] == [200, 401]
    assert _me(api, server, registered).status == 200
    # At most one line per worker per interval for the whole outage, not one per
    # request (an earlier test's outage may have used this interval's line).
    assert server.log().count(_DOWN_LINE) >= 1
    assert server.log().count(_DOWN_LINE) - lines_before <= WORKERS

    # when Redis returns, empty, on the same address
    redis.start()

    # then: within 30 s health is healthy and sessions are cached again in index 5
    assert wait_until(lambda: _health(api, server) == "healthy", timeout=30)
    assert wait_until(
        lambda: _me(api, server, token).status == 200 and _cached(redis, token),
        timeout=30,
    )
    assert redis.client(0).dbsize() == 0
    assert _me(api, server, ending).status == 401
    assert "Redis reachable again" in server.log()


def test_revocation_while_redis_is_unreachable_is_not_undone_when_it_returns(
    server, redis, link, api
):
    # given: the session is in Redis, as is another one that stays valid
    email, token = api.register(server)
    other = api.login(server, email).data["token"]
    assert _warm(api, server, redis, token)
    assert _me(api, server, other).status == 200

    # when: Redis is cut off (it keeps its data) while the session ends
    link.cut()
    logout = api.call(server, "POST", "/api/v1/auth/logout", token=token)
    during = [_me(api, server, other) for _ in range(3)]
    link.restore()

    # then: the stale entry did come back with Redis...
    assert all(fast_enough(answer) for answer in [logout, *during])
    assert logout.status == 200, logout.body
    assert [answer.status for answer in during] == [200] * 3
    assert _cached(redis, token)

    # ...yet the revoked token is refused, also by a worker that reads the entry
    assert wait_until(lambda: _health(api, server) == "healthy")
    refused = []

    def entry_read_and_dropped():
        # A worker that reads the stale entry refuses it and deletes it; one whose
        # breaker is still open refuses from the database and leaves it.
        refused.append(_me(api, server, token).status)
        return not _cached(redis, token)

    dropped = wait_until(entry_read_and_dropped, timeout=15)
    assert set(refused) == {401}
    assert dropped
    assert _me(api, server, other).status == 200
    assert _fast_me(api, server, token).status == 401
    assert _fast_me(api, server, other).status == 200


def test_hung_redis_costs_each_request_at_most_a_socket_timeout(server, redis, api):
    # given
    email, token = api.register(server)
    _require_me(api, server, token)

    # when: Redis accepts connections but answers nothing
    redis.pause()
    try:
        answers = [_me(api, server, token) for _ in range(6)]
        answers.append(api.login(server, email))
        health = api.call(server, "GET", "/api/health")
    finally:
        redis.resume()

    # then
    assert all(fast_enough(answer) for answer in [*answers, health])
    assert [answer.status for answer in answers] == [200] * 7
    assert health.status == 200
    assert health.data["status"] == "degraded"


def test_flushed_redis_brings_back_no_revoked_session_and_no_unlocked_account(
    server, redis, api
):
    # given: a revoked session and an account locked by failed logins
    email, token = api.register(server)
    _require_me(api, server, token)
    logout = api.call(server, "POST", "/api/v1/auth/logout", token=token)
    assert logout.status == 200, logout.body
    # Each failure from its own address: the lockout, not the per-IP limit, locks.
    for attempt in range(LOCKOUT_THRESHOLD):
        api.login(
            server, email, password="not-the-password", ip=f"198.51.100.{attempt}"
        )
    locked = api.login(server, email, ip="198.51.100.50")
    assert locked.status == 429, locked.body

    # when
    redis.client().flushall()

    # then
    assert _me(api, server, token).status == 401
    after = api.login(server, email, ip="198.51.100.51")
    assert after.status == 429, after.body
    assert after.error_type == "RATE_LIMIT_EXCEEDED"
    assert int(after.headers["Retry-After"]) > 0
    user = get_user_model().objects.get(email=email)
    assert user.locked_until is not None
