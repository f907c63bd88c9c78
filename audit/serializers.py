"""Shapes of audit events in responses, and the audit log's query filters."""

import unicodedata
import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.actions import AuditAction
from audit.models import AuditEvent
from authy.api.fields import api_datetime

ACTOR_HELP = (
    "Only events by this actor: a user id (UUID) matches the account that acted, "
    "an email address (case-insensitive) matches the email the actor had when the "
    "event was recorded, so events of a since-deleted account can still be found."
)


class AuditActorSerializer(serializers.Serializer):
    """Who acted: kept as plain values, so it outlives the account."""

    id = serializers.UUIDField(allow_null=True)
    email = serializers.CharField(allow_blank=True)


@extend_schema_field(OpenApiTypes.OBJECT)
class AuditMetadataField(serializers.JSONField):
    """The act's details; `docs/audit.md` lists what each action's metadata holds."""


class AuditEventSerializer(serializers.ModelSerializer):
    """The public AuditEvent object of `api.md`."""

    actor = serializers.SerializerMethodField()
    metadata = AuditMetadataField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "action",
            "actor",
            "organization_id",
            "target_type",
            "target_id",
            "ip_address",
            "user_agent",
            "request_id",
            "metadata",
            "success",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AuditActorSerializer(allow_null=True))
    def get_actor(self, event):
        if event.actor_id is None and not event.actor_email:
            return None
        actor_id = str(event.actor_id) if event.actor_id is not None else None
        return {"id": actor_id, "email": event.actor_email}


def _text_or_none(value):
    return str(value) if value is not None else None


def _actor(actor_id, actor_email):
    """`AuditEventSerializer.get_actor` for plain values."""
    if actor_id is None and not actor_email:
        return None
    return {"id": _text_or_none(actor_id), "email": actor_email}


def event_payload(row):
    """The AuditEvent object as `AuditEventSerializer` renders it, from a row.

    `row` comes from `audit.selectors.event_rows`. A log page holds up to 100
    events; building them from plain rows, without model instances or the model
    serializer, keeps a long log's page close to a short one's. Tests keep the
    two outputs identical, byte for byte.
    """
    return {
        "id": str(row["id"]),
        "action": row["action"],
        "actor": _actor(row["actor_id"], row["actor_email"]),
        "organization_id": _text_or_none(row["organization_id"]),
        "target_type": row["target_type"],
        "target_id": row["target_id"],
        "ip_address": row["ip_address"],
        "user_agent": row["user_agent"],
        "request_id": row["request_id"],
        "metadata": row["metadata"],
        "success": row["success"],
        "created_at": api_datetime(row["created_at"]),
    }


class AuditFilterSerializer(serializers.Serializer):
    """Validate the audit log filters; each bad value is named by its parameter."""

    action = serializers.ChoiceField(choices=AuditAction.choices, required=False)
    actor = serializers.CharField(max_length=254, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)

    def validate_actor(self, value):
        value = unicodedata.normalize("NFKC", value).strip()
        try:
            return {"actor_id": uuid.UUID(value)}
        except ValueError:
            pass
        if "@" in value:
            return {"actor_email": value.lower()}
        raise serializers.ValidationError("Use a user id (UUID) or an email address.")

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and until <= since:
            raise serializers.ValidationError({"until": ["Must be later than since."]})
        filters = {key: value for key, value in attrs.items() if key != "actor"}
        filters.update(attrs.get("actor", {}))
        return filters
