"""Shared field helpers: strict input keys and the API's timestamp format."""

from datetime import UTC

from rest_framework.settings import api_settings

from authy.api.errors import ValidationFailed


def reject_unknown_fields(data, allowed):
    """Refuse any key that is not an input of the endpoint, naming each one."""
    if not isinstance(data, dict):
        raise ValidationFailed(
            details={"non_field_errors": ["The request body must be a JSON object."]}
        )
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationFailed(
            details={key: ["This field is not allowed here."] for key in unknown}
        )


ISO_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def api_datetime(value):
    """Format a datetime as the API does everywhere: UTC, ISO 8601, `Z` suffix."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    if api_settings.DATETIME_FORMAT == ISO_UTC_FORMAT:
        # The same text as strftime gives for that format, at a fraction of its
        # cost; `/auth/me` formats six timestamps per answer.
        return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return value.strftime(api_settings.DATETIME_FORMAT)
