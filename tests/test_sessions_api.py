"""The caller's sessions: /auth/me, listing, revoking one or all others, logout."""

import uuid

import pytest
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from organizations.models import Membership, Organization
from sessions_api.models import Session
from sessions_api.tokens import hash_token
from tests.conftest import DEFAULT_PASSWORD
from tests.test_envelope import assert_error

pytestmark = pytest.mark.django_db

SESSION_KEYS = {
    "id",
    "created_at",
    "last_activity_at",
    "expires_at",
    "ip_address",
    "user_agent",
    "auth_method",
    "is_current",
}


def test_me_returns_user_organizations_and_current_session(auth_client, user):
    # given
    org = Organization.objects.create(name="Acme", slug="acme")
    Membership.objects.create(organization=org, user=user, role="admin")

    # when
    response = auth_client.get("/api/v1/auth/me")

    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()["data"]
    assert data["user"]["id"] == str(user.id)
    assert data["organizations"] == [
        {"id": str(org.id), "name": "Acme", "slug": "acme", "role": "admin"}
    ]
    assert set(data["session"]) == SESSION_KEYS
    assert data["session"]["id"] == str(auth_client.session_id)
    assert data["session"]["is_current"] is True


def test_me_with_a_warm_cache_runs_a_constant_number_of_queries(
    auth_client, user, django_assert_max_num_queries
):
    # given
    for number in range(3):
        org = Organization.objects.create(name=f"Org {number}", slug=f"org-{number}")
        Membership.objects.create(organization=org, user=user, role="member")
    auth_client.get("/api/v1/auth/me")

    # when
    with django_assert_max_num_queries(2):
        response = auth_client.get("/api/v1/auth/me")

    # then
    assert len(response.json()["data"]["organizations"]) == 3


def test_me_without_a_token_is_401(api_client):
    # when
    response = api_client.get("/api/v1/auth/me")

    # then
    assert_error(response, 401, "AUTHENTICATION_ERROR")
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_is_never_accepted_from_the_query_string(api_client, client_for, user):
    # given
    token = client_for(user).token

    # when
    response = api_client.get(f"/api/v1/auth/me?token={token}&access_token={token}")

    # then
    assert_error(response, 401, "AUTHENTICATION_ERROR")


def test_sessions_lists_active_sessions_newest_first(client_for, user, user_factory):
    # given
    older = client_for(user)
    revoked = client_for(user)
    Session.objects.filter(pk=revoked.session_id).update(revoked_at=timezone.now())
    newest = client_for(user)
    client_for(user_factory())

    # when
    response = older.get("/api/v1/auth/sessions")

    # then
    data = response.json()["data"]
    assert data["count"] == 2
    assert [s["id"] for s in data["sessions"]] == [
        str(newest.session_id),
        str(older.session_id),
    ]
    assert [s["is_current"] for s in data["sessions"]] == [False, True]
    assert all(set(s) == SESSION_KEYS for s in data["sessions"])
    assert response["Cache-Control"] == "no-store"


def test_revoke_one_of_my_sessions(client_for, user):
    # given
    me = client_for(user)
    other = client_for(user)

    # when
    response = me.delete(f"/api/v1/auth/sessions/{other.session_id}")

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {}
    assert Session.objects.get(pk=other.session_id).revoked_at is not None
    assert Session.objects.get(pk=me.session_id).revoked_at is None
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.SESSION_REVOKED
    assert event.target_id == str(other.session_id)


@pytest.mark.parametrize(
    "session_id", ["not-a-uuid", str(uuid.uuid4()), "12345", "%20"]
)
def test_revoking_an_unknown_or_malformed_session_id_is_404(auth_client, session_id):
    # when
    response = auth_client.delete(f"/api/v1/auth/sessions/{session_id}")

    # then
    assert_error(response, 404, "NOT_FOUND")


def test_another_users_session_is_invisible_and_404_on_revoke(
    client_for, user, user_factory
):
    # given
    me = client_for(user)
    stranger = client_for(user_factory())

    # when
    response = me.delete(f"/api/v1/auth/sessions/{stranger.session_id}")

    # then
    assert_error(response, 404, "NOT_FOUND")
    assert Session.objects.get(pk=stranger.session_id).revoked_at is None
    listed = me.get("/api/v1/auth/sessions").json()["data"]["sessions"]
    assert str(stranger.session_id) not in {s["id"] for s in listed}


def test_an_already_revoked_session_is_404(client_for, user):
    # given
    me = client_for(user)
    other = client_for(user)
    me.delete(f"/api/v1/auth/sessions/{other.session_id}")

    # when
    response = me.delete(f"/api/v1/auth/sessions/{other.session_id}")

    # then
    assert_error(response, 404, "NOT_FOUND")


def test_revoke_all_others_keeps_the_current_one(client_for, user, user_factory):
    # given
    me = client_for(user)
    client_for(user)
    client_for(user)
    stranger = client_for(user_factory())

    # when
    response = me.delete("/api/v1/auth/sessions")

    # then
    assert response.json()["data"] == {"revoked": 2}
    active = Session.objects.active()
    assert set(active.values_list("id", flat=True)) == {
        me.session_id,
        stranger.session_id,
    }
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.SESSIONS_REVOKED
    assert event.metadata == {"revoked": 2}


def test_logout_revokes_the_current_session_and_is_audited(auth_client, user):
    # when
    response = auth_client.post("/api/v1/auth/logout")

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {}
    session = Session.objects.get(pk=auth_client.session_id)
    assert session.revoked_at is not None
    assert session.revoked_reason == "logout"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == (AuditAction.LOGOUT, user.id)


def test_the_token_is_stored_only_as_its_sha256(api_client, user):
    # given
    response = api_client.post(
        "/api/v1/auth/login",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        "json",
    )
    token = response.json()["data"]["token"]

    # when
    rows = list(Session.objects.values())

    # then
    assert len(rows) == 1
    assert token not in repr(rows)
    assert rows[0]["token_hash"] == hash_token(token)
    assert len(token) >= 43  # 256 bits of URL-safe base64
    assert token not in repr(list(AuditEvent.objects.values()))


def test_session_listing_never_shows_the_token_or_hash(auth_client):
    # when
    body = auth_client.get("/api/v1/auth/sessions").content.decode()

    # then
    assert auth_client.token not in body
    assert hash_token(auth_client.token) not in body
