"""POST /api/v1/users/me/password: proof of the old password, policy on the new one."""

import pytest

from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent
from sessions_api.models import Session
from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/me/password"
NEW = "Brand-New-Secret-77"


def change(client, **body):
    body.setdefault("current_password", DEFAULT_PASSWORD)
    body.setdefault("new_password", NEW)
    return client.post(URL, body, "json")


def test_change_password_ends_other_sessions_and_reports_the_count(client_for, user):
    # given
    me = client_for(user)
    client_for(user)
    client_for(user)

    # when
    response = change(me)

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {"revoked_sessions": 2}
    assert list(Session.objects.active().values_list("id", flat=True)) == [
        me.session_id
    ]
    user.refresh_from_db()
    assert user.check_password(NEW)
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.PASSWORD_CHANGED
    assert event.metadata == {"revoked_sessions": 2}


def test_the_new_password_logs_in_and_the_old_one_does_not(auth_client, api_client):
    # given
    change(auth_client)
    email = auth_client.get("/api/v1/users/me").json()["data"]["user"]["email"]

    # when
    old = api_client.post(
        "/api/v1/auth/login", {"email": email, "password": DEFAULT_PASSWORD}, "json"
    )
    new = api_client.post(
        "/api/v1/auth/login", {"email": email, "password": NEW}, "json"
    )

    # then
    assert old.status_code == 401
    assert new.status_code == 200


def test_a_wrong_current_password_is_400_on_that_field_and_changes_nothing(
    auth_client, user
):
    # when
    response = change(auth_client, current_password="Not-The-Password-1")

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["current_password"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
    assert auth_client.get("/api/v1/auth/me").status_code == 200
    assert not AuditEvent.objects.exists()


def test_a_missing_current_password_is_400_on_that_field(auth_client):
    # when
    response = auth_client.post(URL, {"new_password": NEW}, "json")

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["current_password"]


@pytest.mark.parametrize("new_password", ["short", "password123", "1234567890123"])
def test_policy_errors_are_on_new_password(auth_client, new_password):
    # when
    response = change(auth_client, new_password=new_password)

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["new_password"]


def test_new_password_confirm_must_match(auth_client):
    # when
    response = change(auth_client, new_password_confirm="Something-Else-42")

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["new_password_confirm"]


def test_unknown_keys_are_rejected(auth_client):
    # when
    response = change(auth_client, password=NEW)

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["password"]


def test_an_account_without_a_password_sets_its_first_one(client_for, user_factory):
    # given
    account = user_factory(password=None)
    client = client_for(account)

    # when
    response = client.post(URL, {"new_password": NEW}, "json")

    # then
    assert response.status_code == 200
    assert User.objects.get(pk=account.pk).check_password(NEW)


def test_production_hasher_is_bcrypt_sha256_and_passwords_are_not_truncated(
    user_factory, settings
):
    # given
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    settings.BCRYPT_ROUNDS = 4
    base = "p" * 80

    # when
    account = user_factory(password=base + "1")

    # then
    assert account.password.startswith("bcrypt_sha256$")
    assert account.check_password(base + "1")
    assert not account.check_password(base + "2")
