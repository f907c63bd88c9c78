"""POST /api/v1/auth/register: creates an account, logs it in, refuses duplicates."""

import pytest

from audit.actions import AuditAction
from audit.models import AuditEvent
from sessions_api.models import Session
from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/register"


def register(client, **body):
    body.setdefault("email", "new@example.com")
    body.setdefault("password", DEFAULT_PASSWORD)
    return client.post(URL, body, format="json")


def test_register_creates_the_user_and_returns_a_working_token(api_client):
    # given
    body = {"email": "  New.Person@Example.COM ", "full_name": "New Person"}

    # when
    response = register(api_client, **body)

    # then
    assert response.status_code == 201
    payload = response.json()
    assert payload["code"] == 201
    assert payload["message"] == "Registration successful"
    data = payload["data"]
    assert data["user"]["email"] == "new.person@example.com"
    assert data["user"]["full_name"] == "New Person"
    assert data["user"]["status"] == "active"
    assert data["user"]["email_verified"] is False
    assert data["expires_at"].endswith("Z")
    assert len(data["token"]) >= 43
    assert response["Cache-Control"] == "no-store"
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    assert api_client.get("/api/v1/auth/me").status_code == 200


def test_register_user_object_never_shows_password_or_staff_data(api_client):
    # when
    response = register(api_client)

    # then
    assert set(response.json()["data"]["user"]) == {
        "id",
        "email",
        "email_verified",
        "full_name",
        "avatar_url",
        "status",
        "last_login_at",
        "created_at",
        "updated_at",
    }


def test_register_records_one_event_with_the_new_user_as_actor(api_client):
    # when
    response = register(api_client)

    # then
    user_id = response.json()["data"]["user"]["id"]
    events = list(AuditEvent.objects.all())
    assert [event.action for event in events] == [AuditAction.USER_REGISTERED]
    assert str(events[0].actor_id) == user_id
    assert events[0].actor_email == "new@example.com"
    assert Session.objects.filter(user_id=user_id).count() == 1


@pytest.mark.parametrize(
    "spelling",
    [
        "taken@example.com",
        "TAKEN@EXAMPLE.COM",
        " Taken@Example.com ",
        "\uff34\uff41\uff4b\uff45\uff4e@example.com",  # full-width "Taken"
        "ta\u212aen@example.com",  # KELVIN SIGN, NFKC-equal to "K"
    ],
)
def test_register_with_a_taken_email_in_any_spelling_is_409(
    api_client, user_factory, spelling
):
    # given
    user_factory(email="taken@example.com")

    # when
    response = register(api_client, email=spelling)

    # then
    body = assert_error(response, 409, "CONFLICT")
    assert list(body["error"]["details"]) == ["email"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("83749201938475", "entirely numeric"),
        ("x" * 129, "too long"),
        ("new@example.com", "too similar"),
    ],
)
def test_register_password_policy_errors_are_on_password(api_client, password, reason):
    # when
    response = register(api_client, password=password)

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["password"]
    assert reason in " ".join(body["error"]["details"]["password"])


def test_register_accepts_a_long_passphrase_without_composition_rules(api_client):
    # when
    response = register(api_client, password="correct horse battery staple " * 4)

    # then
    assert response.status_code == 201


def test_register_password_confirm_must_match(api_client):
    # when
    response = register(api_client, password_confirm="Something-Else-42")

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["password_confirm"]


def test_register_with_matching_confirm_succeeds(api_client):
    # when
    response = register(api_client, password_confirm=DEFAULT_PASSWORD)

    # then
    assert response.status_code == 201


@pytest.mark.parametrize("email", ["not-an-email", "", "a@b@c.com"])
def test_register_malformed_email_is_a_validation_error(api_client, email):
    # when
    response = register(api_client, email=email)

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["email"]


@pytest.mark.parametrize("key", ["status", "is_staff", "email_verified", "id"])
def test_register_refuses_fields_that_are_not_inputs(api_client, key):
    # when
    response = register(api_client, **{key: True})

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == [key]
    assert AuditEvent.objects.count() == 0


def test_register_missing_fields_are_named(api_client):
    # when
    response = api_client.post(URL, {}, format="json")

    # then
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert set(body["error"]["details"]) == {"email", "password"}
