"""Per-IP rate limits on login and registration (django-ratelimit, shared cache)."""

import pytest

from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_LOGIN = "3/m"
    settings.RATELIMIT_REGISTER = "2/h"


def test_login_is_limited_per_ip_even_for_the_right_password(
    api_client, user, limits_on
):
    # given
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    for _ in range(3):
        assert api_client.post("/api/v1/auth/login", body, "json").status_code == 200

    # when
    response = api_client.post("/api/v1/auth/login", body, "json")

    # then
    assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
    assert 0 < int(response["Retry-After"]) <= 60


def test_login_limit_counts_each_ip_on_its_own(api_client, user, limits_on):
    # given
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    for _ in range(3):
        api_client.post("/api/v1/auth/login", body, "json", REMOTE_ADDR="198.51.100.1")

    # when
    other = api_client.post(
        "/api/v1/auth/login", body, "json", REMOTE_ADDR="198.51.100.2"
    )

    # then
    assert other.status_code == 200


def test_register_is_limited_per_ip(api_client, db, limits_on):
    # given
    for number in range(2):
        body = {"email": f"r{number}@example.com", "password": DEFAULT_PASSWORD}
        assert api_client.post("/api/v1/auth/register", body, "json").status_code == 201

    # when
    response = api_client.post(
        "/api/v1/auth/register",
        {"email": "r9@example.com", "password": DEFAULT_PASSWORD},
        "json",
    )

    # then
    assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
    assert 0 < int(response["Retry-After"]) <= 3600


def test_authenticated_reads_are_not_rate_limited(auth_client, limits_on):
    # when
    answers = [auth_client.get("/api/v1/auth/me").status_code for _ in range(10)]

    # then
    assert answers == [200] * 10


def test_limits_are_off_when_ratelimit_enable_is_off(api_client, user, settings):
    # given
    settings.RATELIMIT_ENABLE = False
    settings.RATELIMIT_LOGIN = "1/m"
    body = {"email": user.email, "password": DEFAULT_PASSWORD}

    # when
    answers = [
        api_client.post("/api/v1/auth/login", body, "json").status_code
        for _ in range(3)
    ]

    # then
    assert answers == [200, 200, 200]


@pytest.fixture
def dead_cache(settings):
    """Point the cache at a Redis port where nothing listens."""
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }


def test_login_and_me_work_while_the_cache_is_down(api_client, user, dead_cache):
    # given
    body = {"email": user.email, "password": DEFAULT_PASSWORD}

    # when
    response = api_client.post("/api/v1/auth/login", body, "json")
    api_client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {response.json()['data']['token']}"
    )
    me = api_client.get("/api/v1/auth/me")

    # then
    assert response.status_code == 200
    assert me.status_code == 200


def test_failures_still_answer_and_lock_accounts_while_the_cache_is_down(
    api_client, user, dead_cache, settings
):
    # given
    settings.LOGIN_LOCKOUT_THRESHOLD = 2
    wrong = {"email": user.email, "password": "Wrong-Password-123"}

    # when
    unknown = api_client.post(
        "/api/v1/auth/login", {**wrong, "email": "ghost@example.com"}, "json"
    )
    answers = [api_client.post("/api/v1/auth/login", wrong, "json") for _ in range(2)]

    # then
    assert_error(unknown, 401, "AUTHENTICATION_ERROR")
    assert [answer.status_code for answer in answers] == [401, 429]
