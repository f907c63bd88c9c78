"""Shared input checks: refuse request keys an endpoint does not take."""

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
