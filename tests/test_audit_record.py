"""record(): request context, secret refusal, and the caller's transaction decides."""

import secrets
from datetime import UTC, datetime

import pytest
from django.db import transaction

from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import AuditMetadataError, record
from authy.api.context import (
    RequestContext,
    bind_request_context,
    reset_request_context,
)
from organizations.models import Organization
from sessions_api.tokens import new_token
from tests.audit_guard import AuditGuard
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


class _ServiceFailed(Exception):
    pass


def _rename_organization(organization, name, actor, fail_after_record=False):
    """A service in the house style: change, record, all in one transaction."""
    with transaction.atomic():
        organization.name = name
        organization.save()
        record(
            AuditAction.ORG_UPDATED,
            actor=actor,
            organization_id=organization.id,
            target=organization,
            metadata={"fields": ["name"]},
        )
        if fail_after_record:
            raise _ServiceFailed("a later step of the service failed")


def test_record_takes_ip_user_agent_and_request_id_from_the_request_context(user):
    # given
    token = bind_request_context(
        RequestContext(
            request_id="req-42", ip_address="198.51.100.9", user_agent="UA/1"
        )
    )

    # when
    try:
        event = record(AuditAction.PROFILE_UPDATED, actor=user, target=user)
    finally:
        reset_request_context(token)

    # then
    event.refresh_from_db()
    assert (event.request_id, event.ip_address, event.user_agent) == (
        "req-42",
        "198.51.100.9",
        "UA/1",
    )
    assert (event.actor_id, event.actor_email) == (user.id, user.email)
    assert (event.target_type, event.target_id) == ("user", str(user.id))


def test_record_outside_a_request_leaves_the_request_fields_empty():
    event = record(AuditAction.AUDIT_PRUNED, metadata={"days": 1, "count": 0})

    event.refresh_from_db()
    assert (event.request_id, event.ip_address, event.user_agent) == ("", None, "")
    assert event.actor_id is None


def test_record_keeps_the_named_email_when_there_is_no_actor():
    event = record(
        AuditAction.LOGIN_FAILED, actor_email="nobody@example.com", success=False
    )

    assert (event.actor_id, event.actor_email, event.success) == (
        None,
        "nobody@example.com",
        False,
    )


def test_record_refuses_an_action_outside_the_catalogue():
    with pytest.raises(ValueError):
        record("user.teleported")

    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "metadata",
    [
        {"password": "x"},
        {"new_password": "x"},
        {"Token": "x"},
        {"client_secret": "x"},
        {"code": "x"},
        {"otp": "x"},
        {"api_key": "x"},
        {"details": {"refresh_token": "x"}},
        {"changes": [{"old": 1}, {"session_cookie": "x"}]},
    ],
)
def test_record_refuses_secret_looking_metadata_keys(metadata):
    with pytest.raises(AuditMetadataError):
        record(AuditAction.PROFILE_UPDATED, metadata=metadata)

    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "value",
    [
        "{token}",
        "Bearer {token}",
        ["ok", "{token}"],
        {"nested": "sent {token} by mistake"},
    ],
)
def test_record_refuses_values_that_look_like_our_tokens(value):
    # given
    token = new_token()
    metadata = {"note": _fill(value, token)}

    # when / then
    with pytest.raises(AuditMetadataError, match="looks like a token"):
        record(AuditAction.PROFILE_UPDATED, metadata=metadata)


def _fill(value, token):
    if isinstance(value, str):
        return value.format(token=token)
    if isinstance(value, list):
        return [_fill(item, token) for item in value]
    return {key: _fill(item, token) for key, item in value.items()}


@pytest.mark.parametrize(
    "value",
    [
        "a-very-long-organization-slug-made-of-many-lower-case-words",
        "0f" * 32,  # a hex digest: one case only
        "5b3c1e0a-8f1d-4c55-9a43-0c1b7e2d9f10",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
    ],
)
def test_record_accepts_ordinary_long_values(value):
    event = record(AuditAction.ORG_UPDATED, metadata={"note": value})

    assert event.metadata == {"note": value}


def test_an_event_recorded_in_a_failed_transaction_is_not_kept(user):
    # given
    organization = Organization.objects.create(name="Acme", slug="acme")

    # when
    with pytest.raises(_ServiceFailed):
        _rename_organization(organization, "Evil", user, fail_after_record=True)

    # then
    assert AuditEvent.objects.count() == 0
    organization.refresh_from_db()
    assert organization.name == "Acme"


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_always_has_its_event(user):
    # given
    organization = Organization.objects.create(name="Acme", slug="acme")

    # when
    _rename_organization(organization, "Acme Corp", user)
    with pytest.raises(_ServiceFailed):
        _rename_organization(organization, "Evil", user, fail_after_record=True)

    # then
    organization.refresh_from_db()
    events = AuditEvent.objects.filter(organization_id=organization.id)
    assert organization.name == "Acme Corp"
    assert list(events.values_list("action", "actor_id")) == [
        (AuditAction.ORG_UPDATED, user.id)
    ]


def test_the_audit_guard_finds_a_secret_in_any_field_or_metadata():
    # given
    guard = AuditGuard()
    guard.add_secret("Hunter-2-Hunter-2")
    guard.add_request_body(
        b'{"email": "a@example.com", "new_password": "S3cond-Secret!"}'
    )
    guard.snapshot(
        AuditEvent(action=AuditAction.LOGOUT, user_agent="x Hunter-2-Hunter-2")
    )
    guard.snapshot(
        AuditEvent(action=AuditAction.LOGOUT, metadata={"why": ["S3cond-Secret!"]})
    )
    guard.snapshot(AuditEvent(action=AuditAction.PASSWORD_CHANGED, metadata={"n": 1}))

    # when
    leaks = guard.leaks()

    # then
    assert len(leaks) == 2
    assert leaks[0].startswith("auth.logout: user_agent holds a secret")
    assert leaks[1].startswith("auth.logout: metadata.why[0] holds a secret")


def test_the_audit_guard_ignores_short_values_and_the_action_name():
    guard = AuditGuard()
    guard.add_request_body(b'{"password": "short"}')
    guard.add_secret("password")

    guard.snapshot(
        AuditEvent(action=AuditAction.PASSWORD_CHANGED, metadata={"r": "short"})
    )

    assert guard.leaks() == []


def test_the_suite_guard_watches_every_test(request, client_for, user):
    # given
    guard = request.node.audit_guard
    client = client_for(user)

    # when
    record(AuditAction.LOGOUT, actor=user, metadata={"note": DEFAULT_PASSWORD})
    leaks = guard.leaks()
    guard.events.clear()  # the leak above is on purpose; let this test pass

    # then
    assert client.token in guard.secrets
    assert DEFAULT_PASSWORD in guard.secrets
    assert leaks == [
        "auth.logout: metadata.note holds a secret of this test (Cor…, 23 characters)"
    ]


def test_record_cuts_an_absurdly_long_typed_email_to_the_column():
    typed = "a" * 300 + "@example.com"

    event = record(AuditAction.LOGIN_FAILED, actor_email=typed, success=False)

    event.refresh_from_db()
    assert event.actor_email == typed[:254]


def test_record_stores_ids_and_times_in_metadata_as_json_strings(user):
    # given
    locked_until = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)

    # when
    event = record(
        AuditAction.ACCOUNT_LOCKED,
        actor=user,
        metadata={"user_id": user.id, "locked_until": locked_until, "failed": 5},
    )

    # then
    event.refresh_from_db()
    assert event.metadata == {
        "user_id": str(user.id),
        "locked_until": "2026-12-03T18:30:00Z",
        "failed": 5,
    }


def test_the_suite_guard_leaves_short_random_identifiers_alone(request):
    # given
    guard = request.node.audit_guard
    suffix = secrets.token_hex(4)

    # when
    record(AuditAction.ORG_CREATED, metadata={"slug": f"acme-{suffix}"})

    # then
    assert guard.leaks() == []
