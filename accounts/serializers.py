"""Shapes of account data in API responses."""

from rest_framework import serializers

from accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    """The public User object; never password data, staff flags or IP addresses."""

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "email_verified",
            "full_name",
            "avatar_url",
            "status",
            "last_login_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
