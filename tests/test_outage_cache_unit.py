"""The cache layer under failure, in-process: breaker, fail-open limits, stale hits."""

import logging

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone
from django_ratelimit.core import is_ratelimited
from redis.exceptions import ConnectionError as RedisConnectionError

from authy import cache as resilient
from sessions_api import cache as session_cache
from sessions_api.models import Session
from sessions_api.tokens import hash_token
from tests.scaleout_support import free_port

_PROTECTED = "/api/v1/_test/protected"


def _dead_cache(cooldown=5):
    # A port nobody listens on: every connection is refused at once.
    location = f"redis://127.0.0.1:{free_port()}/0"
    return resilient.ResilientRedisCache(
        location,
        {
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "CIRCUIT_BREAKER_SECONDS": cooldown,
            }
        },
    )


class _CountingCalls:
    def __init__(self, target, name):
        self.calls = 0
        self._method = getattr(target, name)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self._method(*args, **kwargs)


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = _Clock()
    monkeypatch.setattr(resilient.time, "monotonic", fake)
    return fake


def test_an_unreachable_redis_reads_as_a_miss_and_writes_fail_quietly(clock):
    # given
    cache = _dead_cache()

    # when
    results = [
        cache.get("key", "default"),
        cache.set("key", "value"),
        cache.add("key", 1),
        cache.get_many(["a", "b"]),
        cache.delete_many(["a", "b"]),
    ]

    # then
    assert results == ["default", None, None, {}, None]
    assert cache.available is False


def test_after_a_failure_redis_is_skipped_and_the_outage_logged_once(clock, caplog):
    # given
    cache = _dead_cache()
    counting = _CountingCalls(cache.client._client, "get")
    cache.client._client.get = counting
    caplog.set_level(logging.WARNING, logger="authy.cache")

    # when
    for _ in range(50):
        cache.get("key")

    # then
    assert counting.calls == 1
    lines = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(lines) == 1
    assert "rate limits are not enforced" in lines[0].getMessage()


def test_redis_is_tried_again_after_the_cooldown_and_recovery_is_logged(clock, caplog):
    # given: a client that fails once, then answers
    cache = _dead_cache(cooldown=5)
    answers = iter([RedisConnectionError("refused"), "value", "value"])

    def flaky_get(*args, **kwargs):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    cache.client._client.get = flaky_get
    caplog.set_level(logging.WARNING, logger="authy.cache")
    assert cache.get("key") is None

    # when
    clock.now += 4
    during_cooldown = cache.get("key")
    clock.now += 2
    after_cooldown = [cache.get("key"), cache.get("key")]

    # then
    assert during_cooldown is None
    assert after_cooldown == ["value", "value"]
    assert cache.available is True
    messages = [record.getMessage() for record in caplog.records]
    assert messages.count("Redis reachable again; cache in use") == 1


def test_per_ip_rate_limit_fails_open_without_error_when_redis_is_down(settings):
    # given
    location = f"redis://127.0.0.1:{free_port()}/0"
    request = RequestFactory().post("/api/v1/auth/login", REMOTE_ADDR="192.0.2.9")
    caches = {
        "default": {
            "BACKEND": "authy.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }

    # when
    with override_settings(CACHES=caches, RATELIMIT_ENABLE=True):
        limited = [
            is_ratelimited(request, group="login", key="ip", rate="1/h", increment=True)
            for _ in range(3)
        ]

    # then
    assert limited == [False, False, False]


@pytest.mark.django_db
@pytest.mark.urls("tests.urls")
def test_a_stale_cache_entry_of_a_revoked_session_is_refused(client_for, user):
    # given: the entry is cached, then the session is revoked without the cache
    # hearing of it (the delete failed while Redis was unreachable)
    client = client_for(user)
    assert client.get(_PROTECTED).status_code == 200
    token_hash = hash_token(client.token)
    assert session_cache.get(token_hash) is not None
    Session.objects.filter(pk=client.session_id).update(revoked_at=timezone.now())

    # when
    response = client.get(_PROTECTED)

    # then
    assert response.status_code == 401
    assert session_cache.get(token_hash) is None


@pytest.mark.django_db
@pytest.mark.urls("tests.urls")
def test_a_cache_hit_checks_revocation_in_the_query_that_reads_the_user(
    client_for, user, django_assert_num_queries
):
    # given
    client = client_for(user)
    assert client.get(_PROTECTED).status_code == 200

    # when
    with django_assert_num_queries(1):
        response = client.get(_PROTECTED)

    # then
    assert response.status_code == 200
