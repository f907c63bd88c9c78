"""Audit events are append-only: the ORM refuses to change them; prune_audit removes."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent, AuditImmutableError
from audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return record(AuditAction.LOGOUT, actor_email="ada@example.com")


def test_saving_a_stored_event_is_refused(event):
    # given
    event.success = False

    # when / then
    with pytest.raises(AuditImmutableError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).success is True


def test_saving_a_stored_event_with_update_fields_is_refused(event):
    event.metadata = {"forged": True}

    with pytest.raises(AuditImmutableError):
        event.save(update_fields=["metadata"])


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditImmutableError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists() is True


def test_queryset_update_is_refused(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(success=False)

    assert AuditEvent.objects.get(pk=event.pk).success is True


def test_queryset_delete_is_refused(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == 1


def test_bulk_update_is_refused(event):
    # given
    event.actor_email = "mallory@example.com"

    # when / then
    # bulk_update opens its own atomic block; the savepoint keeps the test's
    # transaction usable after the refusal.
    with pytest.raises(AuditImmutableError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["actor_email"])
    assert AuditEvent.objects.get(pk=event.pk).actor_email == "ada@example.com"


def test_update_or_create_cannot_rewrite_an_event(event):
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"success": False})


def test_the_base_manager_refuses_writes_too(event):
    # Django reaches rows through the base manager in places (related lookups,
    # some internals) where the default manager is not used.
    with pytest.raises(AuditImmutableError):
        AuditEvent._base_manager.filter(pk=event.pk).update(success=False)
    with pytest.raises(AuditImmutableError):
        AuditEvent._base_manager.all().delete()


def test_inserting_new_events_in_bulk_is_allowed():
    AuditEvent.objects.bulk_create(
        [AuditEvent(action=AuditAction.LOGOUT) for _ in range(3)]
    )

    assert AuditEvent.objects.count() == 3


def _event_aged(days):
    return AuditEvent(
        action=AuditAction.LOGOUT, created_at=timezone.now() - timedelta(days=days)
    )


def test_prune_audit_deletes_only_events_older_than_the_given_days(capsys):
    # given
    AuditEvent.objects.bulk_create([_event_aged(100), _event_aged(91), _event_aged(89)])
    recent = record(AuditAction.LOGOUT)

    # when
    call_command("prune_audit", "--older-than", "90")

    # then
    remaining = AuditEvent.objects.exclude(action=AuditAction.AUDIT_PRUNED)
    assert remaining.count() == 2
    assert remaining.filter(pk=recent.pk).exists() is True
    assert "Pruned 2 audit event(s) older than 90 days." in capsys.readouterr().out


def test_prune_audit_records_that_it_ran_with_days_and_count():
    # given
    AuditEvent.objects.bulk_create([_event_aged(40), _event_aged(35)])

    # when
    call_command("prune_audit", "--older-than", "30")

    # then
    pruned = AuditEvent.objects.get(action=AuditAction.AUDIT_PRUNED)
    assert pruned.metadata["days"] == 30
    assert pruned.metadata["count"] == 2
    assert pruned.actor_id is None
    assert pruned.request_id == ""
    assert pruned.ip_address is None


def test_prune_audit_with_nothing_to_delete_still_records_a_run():
    call_command("prune_audit", "--older-than", "30")

    pruned = AuditEvent.objects.get(action=AuditAction.AUDIT_PRUNED)
    assert pruned.metadata["count"] == 0


@pytest.mark.parametrize("days", ["0", "-5"])
def test_prune_audit_refuses_less_than_one_day(days):
    with pytest.raises(CommandError, match="at least 1 day"):
        call_command("prune_audit", "--older-than", days)

    assert AuditEvent.objects.count() == 0


def test_prune_audit_requires_the_age():
    with pytest.raises(CommandError):
        call_command("prune_audit")
