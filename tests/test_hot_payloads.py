"""Hand-built payloads of hot reads match the serializers that document them."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from rest_framework.renderers import JSONRenderer

from accounts.serializers import UserSerializer, user_payload
from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.selectors import event_rows
from audit.serializers import AuditEventSerializer, event_payload
from organizations.models import Membership, Organization
from organizations.selectors import member_rows, members_of
from organizations.serializers import MemberSerializer, member_payload
from sessions_api.models import Session
from sessions_api.serializers import SessionSerializer, session_payload

pytestmark = pytest.mark.django_db


def test_user_payload_equals_the_user_serializer(user_factory):
    # given
    user = user_factory(full_name="Grace Hopper", avatar_url="https://x.test/a.png")
    user.refresh_from_db()

    # when
    built = user_payload(user)

    # then
    assert built == dict(UserSerializer(user).data)


def test_session_payload_equals_the_session_serializer(user, client_for):
    # given
    client = client_for(user)
    session = Session.objects.get(pk=client.session_id)

    # when
    built = session_payload(session, session.id)
    other = session_payload(session, "someone-else")

    # then
    assert built == dict(
        SessionSerializer(session, context={"current_id": session.id}).data
    )
    assert (built["is_current"], other["is_current"]) == (True, False)


def test_member_payload_equals_the_member_serializer(user_factory):
    # given
    owner = user_factory(full_name="Owner")
    guest = user_factory(full_name="Guest", avatar_url="https://x.test/g.png")
    org = Organization.objects.create(name="Payload Org", slug="payload-org")
    Membership.objects.create(organization=org, user=owner, role="owner")
    Membership.objects.create(
        organization=org, user=guest, role="guest", invited_by=owner
    )

    # when
    built = [member_payload(row) for row in member_rows(org)]

    # then
    assert built == [
        dict(item) for item in MemberSerializer(members_of(org), many=True).data
    ]
    assert [member["invited_by"] for member in built] == [None, str(owner.id)]


def _audit_events_of_every_kind(organization_id, actor):
    """One event per way a field can look: null or partial actor, no IP, …"""
    base = datetime(2026, 12, 3, 19, 0, 0, 123456, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    kinds = [
        {"actor_id": actor.id, "actor_email": actor.email, "ip_address": "10.0.0.1"},
        {"actor_id": None, "actor_email": "", "ip_address": None},
        {"actor_id": None, "actor_email": "gone@example.com", "success": False},
        {"actor_id": actor.id, "actor_email": "", "ip_address": "2001:db8::1"},
        {
            "metadata": {
                "role": "admin",
                "nested": {"list": [1, 2.5, None, True], "empty": {}},
                "text": 'Zoë \u00e9 \u2603 "quoted" </script>',
            },
            "target_type": "membership",
            "target_id": "42",
            "user_agent": "Mozilla/5.0 (X11; Linux) Gatehouse-Test/1.0",
            "request_id": "req-1.2_3",
        },
        {"metadata": {}, "organization_id": None},
        {"created_at": base.replace(microsecond=0)},
        {"created_at": base.astimezone(plus_two)},
    ]
    events = []
    for number, fields in enumerate(kinds):
        values = {
            "action": AuditAction.MEMBER_ADDED,
            "organization_id": organization_id,
            "created_at": base - timedelta(minutes=number),
            **fields,
        }
        events.append(AuditEvent(**values))
    return AuditEvent.objects.bulk_create(events)


def test_event_payload_renders_the_audit_serializer_byte_for_byte(user):
    # given
    organization_id = uuid.uuid4()
    created = _audit_events_of_every_kind(organization_id, user)
    events = AuditEvent.objects.filter(pk__in=[event.pk for event in created])
    events = events.order_by("-created_at", "-id")

    # when
    built = [event_payload(row) for row in event_rows(events)]

    # then
    expected = AuditEventSerializer(events, many=True).data
    renderer = JSONRenderer()
    assert len(built) == len(created)
    assert renderer.render(built) == renderer.render(expected)
    assert [list(event) for event in built] == [list(event) for event in expected]
    assert {event["actor"] is None for event in built} == {True, False}
    assert {event["ip_address"] for event in built} >= {None, "10.0.0.1"}
    assert {event["organization_id"] for event in built} == {
        None,
        str(organization_id),
    }
