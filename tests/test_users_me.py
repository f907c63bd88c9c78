"""GET, PATCH and DELETE /api/v1/users/me: the caller's own account."""

import pytest

from accounts.models import User
from accounts.signals import user_deleting
from audit.actions import AuditAction
from audit.models import AuditEvent
from authy.api.errors import Conflict
from sessions_api.models import Session
from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/users/me"


def test_get_returns_the_user_object(auth_client, user):
    # when
    response = auth_client.get(URL)

    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()["data"]
    assert data["user"]["id"] == str(user.id)
    assert data["user"]["full_name"] == "Ada Lovelace"
    assert "password" not in data["user"]
    assert "is_staff" not in data["user"]


def test_get_without_a_token_is_401(api_client):
    assert_error(api_client.get(URL), 401, "AUTHENTICATION_ERROR")


def test_patch_updates_profile_fields_and_records_their_names(auth_client, user):
    # when
    response = auth_client.patch(
        URL,
        {"full_name": "Ada King", "avatar_url": "https://img.example.com/a.png"},
        "json",
    )

    # then
    assert response.status_code == 200
    data = response.json()["data"]["user"]
    assert data["full_name"] == "Ada King"
    assert data["avatar_url"] == "https://img.example.com/a.png"
    user.refresh_from_db()
    assert user.full_name == "Ada King"
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.PROFILE_UPDATED
    assert event.metadata == {"fields": ["avatar_url", "full_name"]}


def test_patch_records_only_the_fields_that_changed(auth_client, user):
    # when
    auth_client.patch(URL, {"full_name": "Ada Lovelace", "avatar_url": ""}, "json")
    auth_client.patch(URL, {"full_name": "Countess"}, "json")

    # then
    events = AuditEvent.objects.all()
    assert [event.metadata for event in events] == [{"fields": ["full_name"]}]


@pytest.mark.parametrize(
    "key", ["email", "is_staff", "email_verified", "status", "id", "password"]
)
def test_patch_rejects_keys_that_are_not_profile_fields(auth_client, user, key):
    # when
    response = auth_client.patch(URL, {key: "x", "full_name": "Mallory"}, "json")

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == [key]
    user.refresh_from_db()
    assert user.full_name == "Ada Lovelace"
    assert user.is_staff is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"avatar_url": "not a url"}, "avatar_url"),
        ({"full_name": "x" * 151}, "full_name"),
    ],
)
def test_patch_validates_values(auth_client, body, field):
    # when
    response = auth_client.patch(URL, body, "json")

    # then
    payload = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(payload["error"]["details"]) == [field]


def test_delete_with_the_password_removes_account_and_sessions(client_for, user):
    # given
    client = client_for(user)
    client_for(user)
    user_id, email = user.id, user.email

    # when
    response = client.delete(URL, {"password": DEFAULT_PASSWORD}, "json")

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {}
    assert not User.objects.filter(pk=user_id).exists()
    assert not Session.objects.filter(user_id=user_id).exists()
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.USER_DELETED
    assert (event.actor_id, event.actor_email) == (user_id, email)


def test_delete_with_a_wrong_password_is_400_and_the_session_stays(auth_client, user):
    # when
    response = auth_client.delete(URL, {"password": "Not-The-Password-1"}, "json")

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["password"]
    assert User.objects.filter(pk=user.pk).exists()
    assert auth_client.get(URL).status_code == 200


def test_delete_without_a_password_is_400_when_the_account_has_one(auth_client):
    # when
    response = auth_client.delete(URL)

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["password"]


def test_delete_needs_no_password_when_the_account_has_none(client_for, user_factory):
    # given
    account = user_factory(password=None)
    client = client_for(account)

    # when
    response = client.delete(URL)

    # then
    assert response.status_code == 200
    assert not User.objects.filter(pk=account.pk).exists()


def test_delete_rejects_unknown_keys(auth_client):
    # when
    response = auth_client.delete(
        URL, {"password": DEFAULT_PASSWORD, "force": True}, "json"
    )

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["force"]


def test_a_user_deleting_receiver_can_refuse_with_409(auth_client, user):
    # given
    def refuse(sender, user, **kwargs):
        raise Conflict("You are the last owner of an organization.")

    user_deleting.connect(refuse, dispatch_uid="test_refuse_delete")

    # when
    try:
        response = auth_client.delete(URL, {"password": DEFAULT_PASSWORD}, "json")
    finally:
        user_deleting.disconnect(dispatch_uid="test_refuse_delete")

    # then
    assert_error(response, 409, "CONFLICT")
    assert User.objects.filter(pk=user.pk).exists()
    assert Session.objects.active().filter(user=user).exists()
    assert not AuditEvent.objects.exists()
