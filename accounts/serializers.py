"""Shapes of account data: request inputs and response objects."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from rest_framework import serializers

from accounts.emails import normalize_email
from accounts.models import User
from authy.api.fields import api_datetime, reject_unknown_fields

# Far above the policy's maximum: long enough for any stored password, short enough
# that hashing and the similarity check stay cheap.
PASSWORD_INPUT_MAX_LENGTH = 1024


class UserSerializer(serializers.ModelSerializer):
    """The public User object; never password data, staff flags or IP addresses."""

    # An unset avatar is "", which is not a URI: the schema must not promise one.
    avatar_url = serializers.CharField(
        read_only=True, help_text="An absolute URL, or empty when none is set."
    )

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


def user_payload(user):
    """The User object as `UserSerializer` renders it, built directly.

    `/auth/me` sits on every request of every app behind Gatehouse; a model
    serializer rebuilds its fields from the model on each use, which costs more
    than the rest of the view. Tests keep the two outputs identical.
    """
    return {
        "id": str(user.id),
        "email": user.email,
        "email_verified": user.email_verified,
        "full_name": user.full_name,
        "avatar_url": user.avatar_url,
        "status": user.status,
        "last_login_at": api_datetime(user.last_login_at),
        "created_at": api_datetime(user.created_at),
        "updated_at": api_datetime(user.updated_at),
    }


def parse_input(serializer_class, data):
    """Refuse keys the input does not declare, validate, return the clean values."""
    reject_unknown_fields(data, serializer_class().fields)
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def _password_field(**options):
    # Passwords are taken exactly as typed: surrounding spaces are part of them.
    return serializers.CharField(
        trim_whitespace=False, max_length=PASSWORD_INPUT_MAX_LENGTH, **options
    )


class NormalizedEmailField(serializers.CharField):
    """An email address, normalised (NFKC, trimmed, lower-cased) before validation.

    Validating after normalisation lets a full-width or otherwise look-alike spelling
    of a taken address meet it (and its 409) instead of failing as malformed.
    """

    def __init__(self, **options):
        options.setdefault("max_length", 254)
        super().__init__(**options)

    def to_internal_value(self, data):
        value = normalize_email(super().to_internal_value(data))
        try:
            validate_email(value)
        except DjangoValidationError:
            raise serializers.ValidationError("Enter a valid email address.") from None
        return value


class RegisterInput(serializers.Serializer):
    email = NormalizedEmailField()
    password = _password_field()
    password_confirm = _password_field(required=False)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def validate(self, attrs):
        confirm = attrs.pop("password_confirm", None)
        if confirm is not None and confirm != attrs["password"]:
            raise serializers.ValidationError(
                {"password_confirm": ["The two passwords do not match."]}
            )
        return attrs


class LoginInput(serializers.Serializer):
    # Not validated as an address: a malformed email is simply one with no account.
    email = serializers.CharField(max_length=254)
    password = _password_field()
    remember_me = serializers.BooleanField(required=False, default=False)


class ProfileInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    avatar_url = serializers.URLField(max_length=2048, required=False, allow_blank=True)

    def validate_avatar_url(self, value):
        if value and not value.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError("Use an http or https URL.")
        return value


class PasswordChangeInput(serializers.Serializer):
    current_password = _password_field(required=False, allow_blank=True)
    new_password = _password_field()
    new_password_confirm = _password_field(required=False)

    def validate(self, attrs):
        confirm = attrs.pop("new_password_confirm", None)
        if confirm is not None and confirm != attrs["new_password"]:
            raise serializers.ValidationError(
                {"new_password_confirm": ["The two passwords do not match."]}
            )
        return attrs


class AccountDeleteInput(serializers.Serializer):
    password = _password_field(required=False, allow_blank=True)


class PasswordChangeResult(serializers.Serializer):
    revoked_sessions = serializers.IntegerField()


class UserResult(serializers.Serializer):
    user = UserSerializer()
