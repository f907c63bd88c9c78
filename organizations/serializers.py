"""Shapes of organizations and members in API requests and responses."""

import re

from rest_framework import serializers

from authy.api.fields import api_datetime
from organizations.models import SLUG_PATTERN, Membership, Organization, Role

_HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)
SLUG_MESSAGE = (
    "Use 1 to 50 lower-case letters, digits and hyphens, starting and ending with "
    "a letter or digit."
)


def _http_url(value):
    if value and not _HTTP_URL.match(value):
        raise serializers.ValidationError("Enter an http or https URL.")
    return value


class OrganizationSerializer(serializers.ModelSerializer):
    """The Organization object; `role` is the caller's role in it."""

    role = serializers.ChoiceField(
        source="caller_role",
        choices=Role.choices,
        read_only=True,
        help_text="The caller's role in this organization.",
    )
    # An unset logo is "", which is not a URI: the schema must not promise one.
    logo_url = serializers.CharField(
        read_only=True, help_text="An absolute URL, or empty when none is set."
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "logo_url",
            "is_active",
            "role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MemberUserSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    avatar_url = serializers.CharField(read_only=True)


class MemberSerializer(serializers.ModelSerializer):
    """The Member object: a user's membership of one organization."""

    user = MemberUserSerializer(read_only=True)
    invited_by = serializers.UUIDField(
        source="invited_by_id",
        read_only=True,
        allow_null=True,
        help_text=(
            "The id of the user who added this member, or null for the creator "
            "of the organization and when that user no longer exists."
        ),
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "joined_at", "invited_by"]
        read_only_fields = fields


def member_payload(row):
    """The Member object as `MemberSerializer` renders it, from a `member_rows` row.

    A members page holds up to 100 rows; building them from plain rows, without
    model instances or the nested serializer, keeps a large organization's page
    close to a small one's. Tests keep the two outputs identical.
    """
    invited_by = row["invited_by_id"]
    return {
        "id": str(row["id"]),
        "user": {
            "id": str(row["user__id"]),
            "email": row["user__email"],
            "full_name": row["user__full_name"],
            "avatar_url": row["user__avatar_url"],
        },
        "role": row["role"],
        "joined_at": api_datetime(row["joined_at"]),
        "invited_by": str(invited_by) if invited_by else None,
    }


class _OrganizationFields(serializers.Serializer):
    name = serializers.CharField(max_length=200, trim_whitespace=True)
    description = serializers.CharField(
        max_length=5000, allow_blank=True, required=False
    )
    logo_url = serializers.URLField(
        max_length=2048, allow_blank=True, required=False, validators=[_http_url]
    )


class OrganizationCreateInput(_OrganizationFields):
    slug = serializers.RegexField(
        SLUG_PATTERN,
        max_length=50,
        required=False,
        error_messages={"invalid": SLUG_MESSAGE},
        help_text="Generated from the name when absent; it cannot change later.",
    )


class OrganizationUpdateInput(_OrganizationFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class MemberAddInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class RoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MemberFilterInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    search = serializers.CharField(max_length=254, required=False, allow_blank=True)
