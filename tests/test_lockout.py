"""Per-account lockout: consecutive failures lock, locks double, unknown emails too."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts import lockout
from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/login"
WRONG = "Wrong-Password-123"


@pytest.fixture(autouse=True)
def _small_lockout(settings):
    settings.LOGIN_LOCKOUT_THRESHOLD = 3
    settings.LOGIN_LOCKOUT_SECONDS = 60
    settings.LOGIN_LOCKOUT_MAX_SECONDS = 240


def login(client, email, password=WRONG):
    return client.post(
        URL,
        {"email": email, "password": password},
        "json",
        HTTP_X_REQUEST_ID="lockout-test",
    )


def fail(client, email, times):
    return [login(client, email) for _ in range(times)]


def expire_account_lock(user):
    User.objects.filter(pk=user.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )


def expire_email_lock(email):
    key = lockout._email_key(email)
    entry = cache.get(key)
    entry["locked_until"] = (timezone.now() - timedelta(seconds=1)).isoformat()
    cache.set(key, entry)


def test_threshold_failures_lock_the_account_with_retry_after(api_client, user):
    # when
    answers = fail(api_client, user.email, 3)

    # then
    assert [answer.status_code for answer in answers] == [401, 401, 429]
    assert_error(answers[-1], 429, "RATE_LIMIT_EXCEEDED")
    assert answers[-1]["Retry-After"] == "60"
    user.refresh_from_db()
    assert user.lockout_level == 1
    assert user.locked_until > timezone.now()


def test_a_locked_account_refuses_even_the_right_password(api_client, user):
    # given
    fail(api_client, user.email, 3)

    # when
    response = login(api_client, user.email, DEFAULT_PASSWORD)

    # then
    assert_error(response, 429, "RATE_LIMIT_EXCEEDED")
    assert 0 < int(response["Retry-After"]) <= 60


def test_lock_survives_a_cache_flush(api_client, user):
    # given
    fail(api_client, user.email, 3)
    cache.clear()

    # when
    response = login(api_client, user.email, DEFAULT_PASSWORD)

    # then
    assert response.status_code == 429


def test_the_lock_clears_after_its_time(api_client, user):
    # given
    fail(api_client, user.email, 3)
    expire_account_lock(user)

    # when
    response = login(api_client, user.email, DEFAULT_PASSWORD)

    # then
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.failed_login_count, user.lockout_level, user.locked_until) == (
        0,
        0,
        None,
    )


def test_each_further_lock_doubles_up_to_the_maximum(api_client, user):
    # given
    retry_after = []

    # when
    for _ in range(4):
        retry_after.append(fail(api_client, user.email, 3)[-1]["Retry-After"])
        expire_account_lock(user)

    # then
    assert retry_after == ["60", "120", "240", "240"]


def test_a_success_resets_the_consecutive_count(api_client, user):
    # given
    fail(api_client, user.email, 2)
    login(api_client, user.email, DEFAULT_PASSWORD)

    # when
    answers = fail(api_client, user.email, 2)

    # then
    assert [answer.status_code for answer in answers] == [401, 401]


def test_locking_is_audited_once_and_failures_each_time(api_client, user):
    # when
    fail(api_client, user.email, 3)
    login(api_client, user.email, DEFAULT_PASSWORD)

    # then
    locked = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOCKED)
    assert locked.count() == 1
    assert locked[0].actor_id == user.id
    assert locked[0].metadata == {"email": user.email, "lock_seconds": 60}
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert sorted(event.metadata["reason"] for event in failed) == [
        "locked",
        "wrong_password",
        "wrong_password",
        "wrong_password",
    ]


def test_an_unknown_email_locks_and_answers_exactly_like_an_account(api_client, user):
    # given
    ghost = "ghost@example.com"

    # when
    known = fail(api_client, user.email, 4)
    unknown = fail(api_client, ghost, 4)

    # then
    assert [r.status_code for r in unknown] == [401, 401, 429, 429]
    assert [r.content for r in unknown] == [r.content for r in known]
    assert [r.get("Retry-After") for r in unknown] == [
        r.get("Retry-After") for r in known
    ]
    locked = AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOCKED)
    assert sorted(event.metadata["email"] for event in locked) == sorted(
        [ghost, user.email]
    )


def test_an_unknown_email_lock_clears_after_its_time_and_doubles(api_client, db):
    # given
    ghost = "ghost@example.com"
    first = fail(api_client, ghost, 3)[-1]
    expire_email_lock(ghost)

    # when
    after = login(api_client, ghost)
    second = fail(api_client, ghost, 2)[-1]

    # then
    assert first["Retry-After"] == "60"
    assert_error(after, 401, "AUTHENTICATION_ERROR")
    assert second.status_code == 429
    assert second["Retry-After"] == "120"


def test_unknown_email_counter_is_keyed_by_a_hash_of_the_normalised_email(
    api_client, db
):
    # when
    fail(api_client, " Ghost@Example.COM", 2)
    response = login(api_client, "ghost@example.com")

    # then
    assert response.status_code == 429
    key = lockout._email_key("ghost@example.com")
    assert "ghost" not in key
    assert len(key) == len(lockout.CACHE_KEY_PREFIX) + 64
