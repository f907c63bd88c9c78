"""POST /api/v1/auth/login: one answer for any bad credential, a session otherwise."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from accounts.signals import password_login_verified
from audit.actions import AuditAction
from audit.models import AuditEvent
from authy.api.errors import Forbidden
from sessions_api.models import Session
from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/login"


def login(client, email, password=DEFAULT_PASSWORD, body=None, **headers):
    body = {"email": email, "password": password, **(body or {})}
    return client.post(URL, body, "json", **headers)


def test_login_returns_user_token_and_expiry(api_client, user):
    # when
    response = login(api_client, user.email)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Login successful"
    assert body["data"]["user"]["id"] == str(user.id)
    assert response["Cache-Control"] == "no-store"
    session = Session.objects.get(user=user)
    expected = session.created_at + timedelta(hours=24)
    assert session.expires_at == expected
    assert session.auth_method == "password"
    assert body["data"]["expires_at"].startswith(expected.strftime("%Y-%m-%dT%H:%M:%S"))


def test_login_email_is_matched_after_normalisation(api_client, user):
    # when
    response = login(api_client, f"  {user.email.upper()} ")

    # then
    assert response.status_code == 200


def test_remember_me_lasts_thirty_days(api_client, user):
    # when
    login(api_client, user.email, body={"remember_me": True})

    # then
    session = Session.objects.get(user=user)
    assert session.expires_at - session.created_at == timedelta(days=30)


def test_login_records_ip_user_agent_and_last_login(api_client, user):
    # when
    api_client.post(
        URL,
        {"email": user.email, "password": DEFAULT_PASSWORD},
        "json",
        HTTP_USER_AGENT="curl/8.0",
        REMOTE_ADDR="203.0.113.9",
    )

    # then
    session = Session.objects.get(user=user)
    assert session.ip_address == "203.0.113.9"
    assert session.user_agent == "curl/8.0"
    user.refresh_from_db()
    assert timezone.now() - user.last_login_at < timedelta(minutes=1)


def test_login_is_audited_once_without_a_session_created_event(api_client, user):
    # when
    login(api_client, user.email)

    # then
    events = list(AuditEvent.objects.all())
    assert [event.action for event in events] == [AuditAction.LOGIN_SUCCEEDED]
    assert events[0].actor_id == user.id
    assert events[0].target_type == "session"


def test_unknown_email_and_wrong_password_get_byte_identical_bodies(api_client, user):
    # when
    unknown = login(api_client, "nobody@example.com", HTTP_X_REQUEST_ID="same-id")
    wrong = login(
        api_client, user.email, "Wrong-Password-123", HTTP_X_REQUEST_ID="same-id"
    )

    # then
    assert_error(unknown, 401, "AUTHENTICATION_ERROR")
    assert unknown.content == wrong.content
    assert unknown.json()["message"] == "Invalid email or password"
    assert unknown["WWW-Authenticate"] == wrong["WWW-Authenticate"] == "Bearer"


def test_failed_logins_are_audited_with_the_normalised_email_only(api_client, user):
    # when
    login(api_client, " NoBody@Example.com", "Secret-Guess-1")
    login(api_client, user.email.upper(), "Secret-Guess-2")

    # then
    events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert sorted(event.metadata["email"] for event in events) == sorted(
        ["nobody@example.com", user.email]
    )
    assert all(event.success is False for event in events)
    stored = str(list(events.values()))
    assert "Secret-Guess" not in stored


@pytest.mark.parametrize("status", ["suspended", "inactive"])
def test_inactive_account_is_told_so_only_after_the_right_password(
    api_client, user_factory, status
):
    # given
    account = user_factory(status=status)

    # when
    wrong = login(api_client, account.email, "Wrong-Password-123")
    right = login(api_client, account.email)

    # then
    assert_error(wrong, 401, "AUTHENTICATION_ERROR")
    assert_error(right, 403, "AUTHORIZATION_ERROR")
    assert not Session.objects.filter(user=account).exists()


def test_unknown_email_pays_for_one_hash(api_client, db, monkeypatch):
    # given
    calls = []
    original = User.set_password
    monkeypatch.setattr(
        User, "set_password", lambda self, raw: calls.append(1) or original(self, raw)
    )

    # when
    response = login(api_client, "ghost@example.com")

    # then
    assert response.status_code == 401
    assert calls == [1]


def test_an_outdated_hash_is_upgraded_on_login(api_client, user_factory, settings):
    # given
    settings.PASSWORD_HASHERS = [
        "accounts.hashers.GatehouseBCryptSHA256Hasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    settings.BCRYPT_ROUNDS = 4
    account = user_factory()
    User.objects.filter(pk=account.pk).update(
        password=make_password(DEFAULT_PASSWORD, hasher="md5")
    )

    # when
    response = login(api_client, account.email)

    # then
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.password.startswith("bcrypt_sha256$$2b$04$")
    assert login(api_client, account.email).status_code == 200


def test_passwords_differing_after_byte_72_are_different(
    api_client, user_factory, settings
):
    # given
    settings.PASSWORD_HASHERS = settings.PRODUCTION_PASSWORD_HASHERS
    settings.BCRYPT_ROUNDS = 4
    prefix = "Long-passphrase-" + "a" * 60
    account = user_factory(password=prefix + "-first")
    assert account.password.startswith("bcrypt_sha256$")

    # when
    other = login(api_client, account.email, prefix + "-other")
    same = login(api_client, account.email, prefix + "-first")

    # then
    assert len((prefix + "-other").encode()) > 72
    assert_error(other, 401, "AUTHENTICATION_ERROR")
    assert same.status_code == 200


def test_password_login_verified_receiver_can_refuse(api_client, user):
    # given
    def refuse(sender, user, **kwargs):
        raise Forbidden("Use single sign-on for this organization.")

    password_login_verified.connect(refuse, dispatch_uid="test_refuse")

    # when
    try:
        response = login(api_client, user.email)
    finally:
        password_login_verified.disconnect(dispatch_uid="test_refuse")

    # then
    body = assert_error(response, 403, "AUTHORIZATION_ERROR")
    assert body["message"] == "Use single sign-on for this organization."
    assert not Session.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_SUCCEEDED).exists()


def test_password_login_verified_is_sent_with_the_user(api_client, user):
    # given
    seen = []

    def watch(sender, user, **kwargs):
        seen.append(user.pk)

    password_login_verified.connect(watch, dispatch_uid="test_watch")

    # when
    try:
        login(api_client, user.email)
        login(api_client, user.email, "Wrong-Password-123")
    finally:
        password_login_verified.disconnect(dispatch_uid="test_watch")

    # then
    assert seen == [user.pk]


def test_login_ignores_a_bad_bearer_header(api_client, user):
    # given
    api_client.credentials(HTTP_AUTHORIZATION="Bearer revoked-or-garbage")

    # when
    response = login(api_client, user.email)

    # then
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": DEFAULT_PASSWORD}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": DEFAULT_PASSWORD, "extra": 1}, "extra"),
        ({"email": "a@example.com", "password": "p" * 1025}, "password"),
    ],
)
def test_login_validation_errors_name_the_field(api_client, body, field):
    # when
    response = api_client.post(URL, body, "json")

    # then
    payload = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(payload["error"]["details"]) == [field]


def test_login_refuses_a_non_json_body(api_client):
    # when
    response = api_client.post(URL, "email=a&password=b", content_type="text/plain")

    # then
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
