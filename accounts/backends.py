"""The authentication backend behind the admin login: email plus password."""

from django.contrib.auth.backends import ModelBackend
from django.views.decorators.debug import sensitive_variables

from accounts.services import authenticate_password
from authy.api.errors import ApiError


class EmailBackend(ModelBackend):
    """Check credentials with the same rules as the API's password login.

    The admin's login form would otherwise be a way round the lockout: it accepts
    any account's password before it checks the staff flag. Every refusal (wrong
    password, unknown email, locked, inactive) is counted and audited as on the API,
    and answered here with None, which the form shows as one generic error.
    """

    @sensitive_variables("password")
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get("email")
        if not email or password is None:
            return None
        try:
            return authenticate_password(email, password)
        except ApiError:
            return None
