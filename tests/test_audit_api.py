"""The audit logs: the caller's own, and an organization's for its admins and owners."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from organizations.models import Membership, Organization, Role

pytestmark = pytest.mark.django_db

MY_LOG = "/api/v1/users/me/audit-logs"


def org_log(organization_id):
    return f"/api/v1/organizations/{organization_id}/audit-logs"


@pytest.fixture
def organization_factory():
    def make(slug, **roles):
        organization = Organization.objects.create(name=slug.title(), slug=slug)
        for role, user in roles.items():
            Membership.objects.create(organization=organization, user=user, role=role)
        return organization

    return make


@pytest.fixture
def event_factory():
    """Write events directly, with chosen times, as bulk inserts (no record())."""

    def make(count=1, *, minutes_ago=0, **fields):
        now = timezone.now()
        fields.setdefault("action", AuditAction.LOGIN_SUCCEEDED)
        events = [
            AuditEvent(created_at=now - timedelta(minutes=minutes_ago + i), **fields)
            for i in range(count)
        ]
        return AuditEvent.objects.bulk_create(events)

    return make


def actor_fields(user):
    return {"actor_id": user.id, "actor_email": user.email}


def actions_of(response):
    return [event["action"] for event in response.json()["data"]["events"]]


def test_my_log_lists_only_my_events_newest_first(
    auth_client, user, user_factory, event_factory
):
    # given
    other = user_factory()
    event_factory(
        action=AuditAction.LOGIN_SUCCEEDED, minutes_ago=10, **actor_fields(user)
    )
    event_factory(
        action=AuditAction.PASSWORD_CHANGED, minutes_ago=5, **actor_fields(user)
    )
    event_factory(action=AuditAction.LOGOUT, minutes_ago=1, **actor_fields(other))

    # when
    response = auth_client.get(MY_LOG)

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["message"] == "Audit events retrieved"
    assert actions_of(response) == ["user.password.changed", "auth.login.succeeded"]
    assert body["meta"] == {"page": 1, "per_page": 50, "total": 2, "total_pages": 1}


def test_an_event_has_the_shape_of_the_contract(auth_client, user, event_factory):
    # given
    organization_id = uuid.uuid4()
    (event,) = event_factory(
        action=AuditAction.MEMBER_ROLE_CHANGED,
        organization_id=organization_id,
        target_type="membership",
        target_id="m-1",
        ip_address="203.0.113.5",
        user_agent="Tests/1.0",
        request_id="req-shape",
        metadata={"old_role": "member", "new_role": "admin"},
        success=True,
        **actor_fields(user),
    )

    # when
    response = auth_client.get(MY_LOG)

    # then
    (shown,) = response.json()["data"]["events"]
    assert shown == {
        "id": str(event.id),
        "action": "org.member.role_changed",
        "actor": {"id": str(user.id), "email": user.email},
        "organization_id": str(organization_id),
        "target_type": "membership",
        "target_id": "m-1",
        "ip_address": "203.0.113.5",
        "user_agent": "Tests/1.0",
        "request_id": "req-shape",
        "metadata": {"old_role": "member", "new_role": "admin"},
        "success": True,
        "created_at": shown["created_at"],
    }
    assert shown["created_at"].endswith("Z")
    parsed = datetime.fromisoformat(shown["created_at"])
    assert parsed == event.created_at.astimezone(UTC)


def test_an_event_without_an_actor_shows_actor_null(
    auth_client, user, organization_factory, event_factory
):
    # given
    organization = organization_factory("acme", owner=user)
    event_factory(action=AuditAction.ORG_UPDATED, organization_id=organization.id)

    # when
    response = auth_client.get(org_log(organization.id))

    # then
    assert response.json()["data"]["events"][0]["actor"] is None


def test_my_log_is_paginated(auth_client, user, event_factory):
    # given
    event_factory(7, **actor_fields(user))

    # when
    response = auth_client.get(MY_LOG, {"page": 2, "per_page": 3})

    # then
    assert len(response.json()["data"]["events"]) == 3
    assert response.json()["meta"] == {
        "page": 2,
        "per_page": 3,
        "total": 7,
        "total_pages": 3,
    }


@pytest.mark.parametrize(
    "params, field",
    [
        ({"per_page": "1000"}, "per_page"),
        ({"page": "x"}, "page"),
        ({"action": "user.teleported"}, "action"),
        ({"since": "yesterday"}, "since"),
        ({"since": "0001-01-01T00:00:00+01:00"}, "since"),
        ({"until": "2026-13-40"}, "until"),
        ({"actor": "someone"}, "actor"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_my_log_rejects_a_bad_parameter_by_name(auth_client, params, field):
    response = auth_client.get(MY_LOG, params)

    body = response.json()
    assert response.status_code == 400
    assert body["error"]["type"] == "VALIDATION_ERROR"
    assert list(body["error"]["details"]) == [field]


def test_my_log_requires_authentication(api_client):
    response = api_client.get(MY_LOG)

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "AUTHENTICATION_ERROR"


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_admins_and_owners_read_the_organization_log(
    client_for, user, organization_factory, event_factory, role
):
    # given
    organization = organization_factory("acme", **{role: user})
    event_factory(3, organization_id=organization.id)

    # when
    response = client_for(user).get(org_log(organization.id))

    # then
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 3


@pytest.mark.parametrize("role", [Role.MEMBER, Role.GUEST])
def test_members_and_guests_may_not_read_the_organization_log(
    client_for, user, organization_factory, event_factory, role
):
    # given
    organization = organization_factory("acme", **{role: user})
    event_factory(organization_id=organization.id)

    # when
    response = client_for(user).get(org_log(organization.id))

    # then
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "AUTHORIZATION_ERROR"
    assert "data" not in response.json()


def test_non_members_get_404_even_with_bad_filters(
    auth_client, user_factory, organization_factory, event_factory
):
    # given
    organization = organization_factory("acme", owner=user_factory())
    event_factory(organization_id=organization.id)

    # when
    plain = auth_client.get(org_log(organization.id))
    filtered = auth_client.get(org_log(organization.id), {"action": "nonsense"})

    # then
    assert plain.status_code == 404
    assert plain.json()["error"]["type"] == "NOT_FOUND"
    assert filtered.status_code == 404


@pytest.mark.parametrize("organization_id", [uuid.uuid4(), "not-a-uuid"])
def test_unknown_or_malformed_organization_ids_are_404(auth_client, organization_id):
    response = auth_client.get(org_log(organization_id))

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "NOT_FOUND"


def test_the_organization_log_requires_authentication(
    api_client, user, organization_factory
):
    organization = organization_factory("acme", owner=user)

    response = api_client.get(org_log(organization.id))

    assert response.status_code == 401


def test_one_organizations_log_never_shows_anothers_events(
    client_for, user, user_factory, organization_factory, event_factory
):
    # given
    acme = organization_factory("acme", owner=user)
    globex = organization_factory("globex", owner=user_factory(), admin=user)
    mine = event_factory(2, organization_id=acme.id, **actor_fields(user))
    event_factory(3, organization_id=globex.id, **actor_fields(user))
    event_factory(action=AuditAction.LOGOUT, **actor_fields(user))

    # when
    response = client_for(user).get(org_log(acme.id))

    # then
    shown = {event["id"] for event in response.json()["data"]["events"]}
    assert shown == {str(event.id) for event in mine}
    assert {e["organization_id"] for e in response.json()["data"]["events"]} == {
        str(acme.id)
    }


@pytest.fixture
def acme_log(client_for, user, user_factory, organization_factory, event_factory):
    """An organization whose log holds events of two actors at known times."""
    organization = organization_factory("acme", owner=user)
    bob = user_factory(email="bob@example.com")
    org = {"organization_id": organization.id}
    event_factory(
        action=AuditAction.MEMBER_ADDED, minutes_ago=60, **org, **actor_fields(user)
    )
    event_factory(
        action=AuditAction.ORG_UPDATED, minutes_ago=30, **org, **actor_fields(bob)
    )
    event_factory(
        action=AuditAction.MEMBER_ADDED, minutes_ago=10, **org, **actor_fields(bob)
    )
    return client_for(user), organization, bob


def test_the_organization_log_filters_by_action(acme_log):
    client, organization, bob = acme_log

    response = client.get(org_log(organization.id), {"action": "org.member.added"})

    assert actions_of(response) == ["org.member.added", "org.member.added"]
    assert response.json()["meta"]["total"] == 2


@pytest.mark.parametrize("form", ["id", "email", "EMAIL"])
def test_the_organization_log_filters_by_actor_id_or_email(acme_log, form):
    # given
    client, organization, bob = acme_log
    actor = {"id": str(bob.id), "email": bob.email, "EMAIL": " BOB@Example.com "}[form]

    # when
    response = client.get(org_log(organization.id), {"actor": actor})

    # then
    events = response.json()["data"]["events"]
    assert [e["action"] for e in events] == ["org.member.added", "org.updated"]
    assert {e["actor"]["id"] for e in events} == {str(bob.id)}


def test_the_organization_log_filters_by_time_window(acme_log):
    # given
    client, organization, bob = acme_log
    now = timezone.now()
    since = (now - timedelta(minutes=45)).isoformat().replace("+00:00", "Z")
    until = (now - timedelta(minutes=20)).isoformat()

    # when
    response = client.get(org_log(organization.id), {"since": since, "until": until})

    # then
    assert actions_of(response) == ["org.updated"]


def test_the_organization_log_combines_filters(acme_log):
    client, organization, bob = acme_log
    since = (timezone.now() - timedelta(minutes=45)).isoformat()

    response = client.get(
        org_log(organization.id),
        {"action": "org.member.added", "actor": bob.email, "since": since},
    )

    assert response.json()["meta"]["total"] == 1


@pytest.mark.parametrize(
    "params, field",
    [
        ({"action": "org.nonsense"}, "action"),
        ({"actor": "not-an-id-or-email"}, "actor"),
        ({"since": "2026-02-30T00:00:00Z"}, "since"),
        ({"until": "soon"}, "until"),
        ({"since": "2026-06-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        ({"search": "x"}, "search"),
    ],
)
def test_the_organization_log_rejects_a_bad_filter_by_name(acme_log, params, field):
    client, organization, bob = acme_log

    response = client.get(org_log(organization.id), params)

    body = response.json()
    assert response.status_code == 400
    assert body["error"]["type"] == "VALIDATION_ERROR"
    assert list(body["error"]["details"]) == [field]


def test_listing_10_or_10000_events_runs_the_same_queries(
    client_for,
    user,
    organization_factory,
    event_factory,
    django_assert_num_queries,
):
    # given
    organization = organization_factory("acme", owner=user)
    client = client_for(user)
    url = org_log(organization.id)
    org = {"organization_id": organization.id}
    event_factory(10, **org, **actor_fields(user))
    client.get(url)  # warm the session cache so both measured calls match

    # when / then: session user, membership, count, page
    with django_assert_num_queries(4):
        small = client.get(url)
    event_factory(9_990, **org, **actor_fields(user))
    with django_assert_num_queries(4):
        large = client.get(url, {"page": 100})

    assert small.json()["meta"]["total"] == 10
    assert large.json()["meta"]["total"] == 10_000
    assert len(large.json()["data"]["events"]) == 50


def test_my_log_runs_the_same_queries_for_10_or_10000_events(
    auth_client, user, event_factory, django_assert_num_queries
):
    # given
    event_factory(10, **actor_fields(user))
    auth_client.get(MY_LOG)

    # when / then: session user, count, page
    with django_assert_num_queries(3):
        auth_client.get(MY_LOG)
    event_factory(9_990, **actor_fields(user))
    with django_assert_num_queries(3):
        response = auth_client.get(MY_LOG, {"per_page": 100})

    assert len(response.json()["data"]["events"]) == 100
