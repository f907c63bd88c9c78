"""Receivers: password login is refused where an organization enforces SAML."""

from accounts.signals import password_login_verified
from authy.api.errors import Forbidden
from saml_sso.domains import email_domain
from saml_sso.models import SamlDomain

SSO_REQUIRED_MESSAGE = (
    "Your organization requires single sign-on: use single sign-on to sign in."
)


def refuse_password_login_under_enforced_sso(sender, user, **kwargs):
    """Refuse a password login for an email in a verified domain that enforces SAML.

    The signal is sent only after the right password, so the refusal reveals
    nothing to someone who does not know it.
    """
    domain = email_domain(user.email)
    if (
        domain
        and SamlDomain.objects.filter(
            domain=domain, verified_at__isnull=False, config__enforce=True
        ).exists()
    ):
        raise Forbidden(SSO_REQUIRED_MESSAGE)


def connect_receivers():
    password_login_verified.connect(
        refuse_password_login_under_enforced_sso, dispatch_uid="saml_sso_enforce"
    )
