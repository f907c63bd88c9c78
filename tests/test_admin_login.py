"""The admin login: email and password, rate limited per client IP like the API's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def limited(settings):
    settings.RATELIMIT_ENABLE = True
    # An hour-long window keeps the few requests below inside one window.
    settings.RATELIMIT_LOGIN = "3/h"
    return settings


def attempt(client, email="nobody@example.com", password="wrong", ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_staff_logs_in_with_email_and_password(client, user_factory):
    # given
    user_factory("boss@example.com", password="Long-Enough-Pass-1", is_staff=True)

    # when
    response = attempt(client, " Boss@Example.com", "Long-Enough-Pass-1")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_suspended_staff_user_cannot_log_in(client, user_factory):
    # given
    user_factory(
        "boss@example.com",
        password="Long-Enough-Pass-1",
        is_staff=True,
        status="suspended",
    )

    # when
    response = attempt(client, "boss@example.com", "Long-Enough-Pass-1")

    # then
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_logins_over_the_limit_get_an_html_429(client, db, limited):
    # given
    for _ in range(3):
        assert attempt(client).status_code == 200

    # when
    response = attempt(client)

    # then
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "Too many login attempts" in response.content.decode()
    assert "Gatehouse administration" in response.content.decode()


def test_the_limit_refuses_even_the_right_password(client, user_factory, limited):
    # given
    user_factory("boss@example.com", password="Long-Enough-Pass-1", is_staff=True)
    for _ in range(3):
        attempt(client)

    # when
    response = attempt(client, "boss@example.com", "Long-Enough-Pass-1")

    # then
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_the_limit_counts_per_client_ip(client, db, limited):
    # given
    for _ in range(4):
        attempt(client, ip="10.0.0.1")

    # when
    response = attempt(client, ip="10.0.0.2")

    # then
    assert response.status_code == 200


def test_showing_the_login_page_is_not_counted(client, db, limited):
    # given
    for _ in range(5):
        client.get(LOGIN, REMOTE_ADDR="10.0.0.1")

    # when
    response = attempt(client)

    # then
    assert response.status_code == 200


def test_no_limit_when_rate_limiting_is_disabled(client, db, settings):
    # given
    settings.RATELIMIT_ENABLE = False
    settings.RATELIMIT_LOGIN = "1/h"

    # when
    statuses = {attempt(client).status_code for _ in range(3)}

    # then
    assert statuses == {200}


def test_a_locked_staff_account_fails_like_a_wrong_password(client, user_factory):
    # given
    user_factory(
        "boss@example.com",
        password="Long-Enough-Pass-1",
        is_staff=True,
        locked_until=timezone.now() + timedelta(minutes=5),
    )

    # when
    locked = attempt(client, "boss@example.com", "Long-Enough-Pass-1")
    wrong = attempt(client, "boss@example.com", "not-the-password")

    # then
    assert locked.status_code == wrong.status_code == 200
    assert locked.context["form"].errors == wrong.context["form"].errors
    assert client.get("/admin/").status_code == 302


def test_a_successful_admin_login_is_audited(client, user_factory):
    # given
    boss = user_factory(
        "boss@example.com", password="Long-Enough-Pass-1", is_staff=True
    )

    # when
    attempt(client, "boss@example.com", "Long-Enough-Pass-1")

    # then
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.LOGIN_SUCCEEDED
    assert event.actor_id == boss.pk
    assert event.ip_address == "10.0.0.1"
    assert event.metadata == {"via": "admin"}


def test_a_failed_admin_login_is_audited_with_the_normalised_email(
    client, user_factory
):
    # given
    boss = user_factory("boss@example.com", is_staff=True)

    # when
    attempt(client, " BOSS@example.com", "not-the-password")
    attempt(client, "stranger@example.com", "whatever")

    # then
    known, unknown = AuditEvent.objects.order_by("actor_email")
    assert (known.action, known.success) == (AuditAction.LOGIN_FAILED, False)
    assert (known.actor_id, known.actor_email) == (boss.pk, "boss@example.com")
    assert (unknown.actor_id, unknown.actor_email) == (None, "stranger@example.com")
    assert "not-the-password" not in str(known.metadata)
