"""The append-only `AuditEvent` model."""

import uuid

from django.db import models
from django.utils import timezone

from audit.actions import AuditAction


class AuditImmutableError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    """Refuses the bulk writes that would rewrite history.

    `bulk_update()` and `update_or_create()` end in `update()` or `save()`, so they
    are refused too; `bulk_create()` stays open because it only appends.
    """

    def update(self, **kwargs):
        raise AuditImmutableError("Audit events cannot be updated.")

    def delete(self):
        raise AuditImmutableError("Audit events are removed only by prune_audit.")

    def prune_before(self, cutoff):
        """Delete events older than `cutoff`; the one sanctioned removal path."""
        doomed = self.model.objects.filter(created_at__lt=cutoff)
        return doomed._raw_delete(doomed.db)


class AuditEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    # The actor is kept as plain values, not a foreign key, so the trail survives
    # the deletion of the account that acted.
    actor_id = models.UUIDField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    organization_id = models.UUIDField(null=True, blank=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    success = models.BooleanField(default=True)
    # A default rather than auto_now_add, so an import or a test can write an
    # event with its original time; record() never passes one.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Django reaches rows through the base manager in places the default
        # manager does not cover; it must refuse writes just the same.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["actor_id", "-created_at"], name="audit_actor_idx"),
            models.Index(
                fields=["organization_id", "-created_at"], name="audit_org_idx"
            ),
            models.Index(fields=["action", "-created_at"], name="audit_action_idx"),
            models.Index(fields=["request_id"], name="audit_request_idx"),
        ]

    def __str__(self):
        return f"{self.action} by {self.actor_email or 'system'} at {self.created_at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit events cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit events are removed only by prune_audit.")
