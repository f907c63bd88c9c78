"""Sessions in the admin: filtered by state, revoked by an audited action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from sessions_api.models import Session
from sessions_api.services import create_session, revoke_session

CHANGELIST = "/admin/authy_sessions/session/"


@pytest.fixture
def three_sessions(user):
    active, _ = create_session(user)
    revoked, _ = create_session(user)
    revoke_session(revoked, "logout")
    expired, _ = create_session(user)
    Session.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    return {"active": active, "revoked": revoked, "expired": expired}


@pytest.mark.parametrize("state", ["active", "revoked", "expired"])
def test_state_filter_shows_only_sessions_in_that_state(
    staff_client, three_sessions, state
):
    # when
    response = staff_client.get(CHANGELIST, {"state": state})

    # then
    shown = {
        name
        for name, session in three_sessions.items()
        if str(session.pk) in response.content.decode()
    }
    assert shown == {state}


def test_revoke_action_ends_the_session_and_audits(staff_client, staff, user):
    # given
    session, _ = create_session(user)
    other, _ = create_session(user)

    # when
    response = staff_client.post(
        CHANGELIST,
        {"action": "revoke", "_selected_action": [str(session.pk)]},
        HTTP_X_REQUEST_ID="admin-revoke-1",
    )

    # then
    assert response.status_code == 302
    session.refresh_from_db()
    other.refresh_from_db()
    assert session.revoked_at is not None
    assert session.revoked_reason == "revoked_by_staff"
    assert other.revoked_at is None
    event = AuditEvent.objects.get(action=AuditAction.SESSION_REVOKED)
    assert event.actor_id == staff.pk
    assert event.target_id == str(session.pk)
    assert event.request_id == "admin-revoke-1"
    assert event.metadata == {"user_id": str(user.pk), "via": "admin"}


def test_revoking_an_already_revoked_session_writes_nothing(staff_client, user):
    # given
    session, _ = create_session(user)
    revoke_session(session, "logout")

    # when
    staff_client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [str(session.pk)]}
    )

    # then
    session.refresh_from_db()
    assert session.revoked_reason == "logout"
    assert not AuditEvent.objects.exists()


def test_the_session_page_never_shows_the_token_hash(staff_client, user):
    # given
    session, _ = create_session(user)

    # when
    page = staff_client.get(f"{CHANGELIST}{session.pk}/change/")

    # then
    assert page.status_code == 200
    assert session.token_hash not in page.content.decode()


def test_changelist_query_count_does_not_grow_with_sessions(
    staff_client, user_factory, django_assert_max_num_queries
):
    # given
    for _ in range(15):
        create_session(user_factory())

    # when / then
    with django_assert_max_num_queries(12):
        response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
