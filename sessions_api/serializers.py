"""Shapes of sessions and of the answers that carry a token."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserSerializer
from authy.api.fields import api_datetime


class SessionSerializer(serializers.Serializer):
    """A session as the API shows it: never the token or its hash.

    Reads attributes, so it serialises a `Session` row and the request's
    `CurrentSession` alike. Pass the caller's session id as `current_id` in the
    context to mark it `is_current`.
    """

    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ip_address = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()
    auth_method = serializers.CharField()
    is_current = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_current(self, session):
        return str(session.id) == str(self.context.get("current_id"))


def session_payload(session, current_id):
    """The Session object as `SessionSerializer` renders it, built directly."""
    return {
        "id": str(session.id),
        "created_at": api_datetime(session.created_at),
        "last_activity_at": api_datetime(session.last_activity_at),
        "expires_at": api_datetime(session.expires_at),
        "ip_address": session.ip_address,
        "user_agent": session.user_agent,
        "auth_method": session.auth_method,
        "is_current": str(session.id) == str(current_id),
    }


class SessionTokenResult(serializers.Serializer):
    user = UserSerializer()
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class OrganizationBrief(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.CharField()


class MeResult(serializers.Serializer):
    user = UserSerializer()
    organizations = OrganizationBrief(many=True)
    session = SessionSerializer()


class SessionListResult(serializers.Serializer):
    sessions = SessionSerializer(many=True)
    count = serializers.IntegerField()


class SessionsRevokedResult(serializers.Serializer):
    revoked = serializers.IntegerField()
