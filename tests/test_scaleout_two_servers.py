"""Two real servers sharing PostgreSQL and Redis behave as one service."""

import pytest

from tests.scaleout_support import (
    Api,
    RedisProcess,
    Server,
    needs_postgres,
    needs_redis_server,
    require_endpoint,
    start_servers,
    stop_all,
    test_database_url,
)

pytestmark = [pytest.mark.slow, needs_postgres, needs_redis_server]

LOGIN_LIMIT = 5


@pytest.fixture(scope="module")
def pair(django_db_setup, tmp_path_factory):
    redis = RedisProcess()
    redis.start()
    env = {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis.url(4),
        "RATELIMIT_ENABLE": "1",
        # Per hour, so no test can straddle the counter's window.
        "RATELIMIT_LOGIN": f"{LOGIN_LIMIT}/h",
        "RATELIMIT_REGISTER": "1000/h",
        "TRUSTED_PROXY_COUNT": "1",
    }
    log_dir = tmp_path_factory.mktemp("scaleout")
    servers = (Server("a", log_dir, **env), Server("b", log_dir, **env))
    try:
        yield start_servers(*servers)
    finally:
        stop_all(*servers)
        redis.kill()


@pytest.fixture
def api(transactional_db):
    return Api()


def test_token_issued_by_one_server_is_accepted_by_the_other(pair, api):
    a, b = pair
    # given
    email, registered_token = api.register(a)
    login = api.login(a, email)

    # when
    with_registered = api.call(b, "GET", "/api/v1/auth/me", token=registered_token)
    with_login = api.call(b, "GET", "/api/v1/auth/me", token=login.data["token"])

    # then
    assert login.status == 200, login.body
    assert with_registered.status == 200, with_registered.body
    assert with_login.status == 200, with_login.body
    assert with_login.data["user"]["email"] == email
    assert with_login.data["session"]["id"] != with_registered.data["session"]["id"]


# `/auth/me` is answered from the database by the fast path; `/users/me` goes
# through the bearer authentication and its Redis session cache.
CHECKED_READS = ("/api/v1/auth/me", "/api/v1/users/me")


def test_session_revoked_on_one_server_is_refused_by_the_other_at_once(pair, api):
    a, b = pair
    # given: B has the session in the shared cache before A ends it (/users/me goes
    # through the cached bearer authentication; /auth/me reads the database)
    email, token = api.register(a)
    other = api.login(b, email).data["token"]
    for _ in range(2):
        for path in CHECKED_READS:
            assert api.call(b, "GET", path, token=token).status == 200
            assert api.call(a, "GET", path, token=other).status == 200

    # when
    logout = api.call(a, "POST", "/api/v1/auth/logout", token=token)
    revoke_others = api.call(b, "DELETE", "/api/v1/auth/sessions", token=other)

    # then
    require_endpoint(logout, "POST /api/v1/auth/logout")
    assert logout.status == 200, logout.body
    for path in CHECKED_READS:
        assert api.call(b, "GET", path, token=token).status == 401
        assert api.call(a, "GET", path, token=token).status == 401
    require_endpoint(revoke_others, "DELETE /api/v1/auth/sessions")
    assert revoke_others.status == 200, revoke_others.body
    for path in CHECKED_READS:
        assert api.call(a, "GET", path, token=other).status == 200


def test_per_ip_login_limit_counts_requests_sent_to_both_servers(pair, api):
    a, b = pair
    # given
    email, _ = api.register(a)

    # when: alternate servers, so neither alone sees more than the limit
    answers = [
        api.login(pair[i % 2], email, password="not-the-password")
        for i in range(LOGIN_LIMIT + 2)
    ]

    # then
    statuses = [answer.status for answer in answers]
    assert statuses == [401] * LOGIN_LIMIT + [429, 429], statuses
    assert {answer.error_type for answer in answers[LOGIN_LIMIT:]} == {
        "RATE_LIMIT_EXCEEDED"
    }
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in answers[-2:])
    other_ip = api.login(b, email, ip="192.0.2.200")
    assert other_ip.status == 200, other_ip.body


def test_organization_change_on_one_server_is_seen_by_the_other(pair, api):
    a, b = pair
    # given
    _, owner = api.register(a)
    member_email, member = api.register(b)
    created = api.call(
        a, "POST", "/api/v1/organizations", token=owner, json={"name": "Scale Org"}
    )
    require_endpoint(created, "POST /api/v1/organizations")
    assert created.status == 201, created.body
    org_id = created.data["organization"]["id"]
    org_path = f"/api/v1/organizations/{org_id}"
    assert api.call(b, "GET", org_path, token=member).status == 404

    # when
    added = api.call(
        a,
        "POST",
        org_path + "/members",
        token=owner,
        json={"email": member_email, "role": "member"},
    )
    renamed = api.call(a, "PATCH", org_path, token=owner, json={"name": "Renamed"})

    # then
    assert added.status == 201, added.body
    assert renamed.status == 200, renamed.body
    seen = api.call(b, "GET", org_path, token=member)
    assert seen.status == 200, seen.body
    assert seen.data["organization"]["name"] == "Renamed"
    assert seen.data["organization"]["role"] == "member"
    mine = api.call(b, "GET", "/api/v1/auth/me", token=member)
    assert [org["id"] for org in mine.data["organizations"]] == [org_id]

    # when the member is removed on B, A refuses them at once
    member_id = added.data["member"]["user"]["id"]
    removed = api.call(b, "DELETE", f"{org_path}/members/{member_id}", token=owner)
    assert removed.status == 200, removed.body
    assert api.call(a, "GET", org_path, token=member).status == 404
