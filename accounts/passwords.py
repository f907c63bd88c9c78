"""Password length policy: a configurable minimum and a fixed generous maximum."""

from django.conf import settings
from django.core.exceptions import ValidationError


class LengthValidator:
    """Require PASSWORD_MIN_LENGTH to PASSWORD_MAX_LENGTH characters, nothing more."""

    def validate(self, password, user=None):
        minimum = settings.PASSWORD_MIN_LENGTH
        maximum = settings.PASSWORD_MAX_LENGTH
        if len(password) < minimum:
            raise ValidationError(
                f"This password is too short. It must contain at least {minimum} "
                "characters.",
                code="password_too_short",
            )
        if len(password) > maximum:
            raise ValidationError(
                f"This password is too long. It may contain at most {maximum} "
                "characters.",
                code="password_too_long",
            )

    def get_help_text(self):
        return (
            f"Your password must contain {settings.PASSWORD_MIN_LENGTH} to "
            f"{settings.PASSWORD_MAX_LENGTH} characters."
        )
