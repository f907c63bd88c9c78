"""Every way a session ends is seen by the very next request, warm cache or not.

These tests commit for real (transactional database), so revocation's after-commit
cache clearing runs exactly as it does in production.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from sessions_api.models import Session
from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db(transaction=True)

ME = "/api/v1/auth/me"


def warm(client):
    """Make one request, so the session sits in the cache."""
    assert client.get(ME).status_code == 200


def assert_refused(client):
    assert_error(client.get(ME), 401, "AUTHENTICATION_ERROR")


def test_a_logged_out_token_is_refused(auth_client):
    # given
    warm(auth_client)

    # when
    auth_client.post("/api/v1/auth/logout")

    # then
    assert_refused(auth_client)


def test_a_revoked_token_is_refused(client_for, user):
    # given
    me, other = client_for(user), client_for(user)
    warm(other)

    # when
    me.delete(f"/api/v1/auth/sessions/{other.session_id}")

    # then
    assert_refused(other)
    warm(me)


def test_revoke_all_others_refuses_every_other_token(client_for, user):
    # given
    me, first, second = client_for(user), client_for(user), client_for(user)
    warm(first)
    warm(second)

    # when
    me.delete("/api/v1/auth/sessions")

    # then
    assert_refused(first)
    assert_refused(second)
    warm(me)


def test_an_expired_token_is_refused(client_for, user):
    # given
    client = client_for(user)
    Session.objects.filter(pk=client.session_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    # when / then
    assert_refused(client)


def test_a_password_change_refuses_the_other_tokens_only(client_for, user):
    # given
    me, other = client_for(user), client_for(user)
    warm(other)

    # when
    response = me.post(
        "/api/v1/users/me/password",
        {"current_password": DEFAULT_PASSWORD, "new_password": "Brand-New-Secret-77"},
        "json",
    )

    # then
    assert response.json()["data"] == {"revoked_sessions": 1}
    assert_refused(other)
    warm(me)


@pytest.mark.parametrize("status", ["suspended", "inactive"])
def test_a_status_saved_by_a_script_refuses_the_next_request(client_for, user, status):
    # given
    client = client_for(user)
    warm(client)

    # when
    account = User.objects.get(pk=user.pk)
    account.status = status
    account.save()

    # then
    assert_refused(client)
    assert not Session.objects.active().filter(user=user).exists()


def test_a_status_set_by_a_bulk_update_refuses_the_next_request(client_for, user):
    # given
    client = client_for(user)
    warm(client)

    # when
    User.objects.filter(pk=user.pk).update(status="suspended")

    # then
    assert_refused(client)


def test_a_deleted_account_token_is_refused(client_for, user):
    # given
    client = client_for(user)
    warm(client)

    # when
    client.delete("/api/v1/users/me", {"password": DEFAULT_PASSWORD}, "json")

    # then
    assert_refused(client)
    assert not User.objects.filter(pk=user.pk).exists()
