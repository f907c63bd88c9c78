"""Account rules for federated sign-in: find, link or create the user of an identity.

A provider identity belongs to one user. It signs in the user it is linked to; an
unlinked identity links to the account with the same email only when both the
provider and Gatehouse have verified that address, and creates an account only with a
provider-verified email. Anything else is refused with a short reason code that the
browser receives as `?error=`.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.emails import normalize_email
from audit.actions import AuditAction
from audit.services import record
from federation.models import FederatedIdentity

logger = logging.getLogger(__name__)

# Reason codes handed to the front end as `?error=` and stored in audit metadata.
EMAIL_NOT_VERIFIED = "email_not_verified"
ACCOUNT_EXISTS_UNVERIFIED = "account_exists_unverified"
ACCOUNT_DISABLED = "account_disabled"
IDENTITY_IN_USE = "identity_in_use"
CONFLICT = "conflict"


class FederationError(Exception):
    """A federated sign-in that must end with `?error=<reason>`."""

    def __init__(self, reason, user=None, email=""):
        super().__init__(reason)
        self.reason = reason
        self.user = user
        self.email = email


@dataclass(frozen=True)
class FederatedProfile:
    """What a provider asserted about the person, after the library validated it."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    full_name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "email", normalize_email(self.email))
        object.__setattr__(self, "subject", str(self.subject))
        object.__setattr__(self, "full_name", str(self.full_name or ""))


def resolve_user(profile, link_user_id=None):
    """Return the user `profile` signs in (or links to); raise FederationError."""
    try:
        with transaction.atomic():
            if link_user_id is not None:
                return _link_to(profile, link_user_id)
            return _sign_in(profile)
    except IntegrityError:
        # A concurrent flow created the same identity or account first.
        logger.info(
            "Federated sign-in lost a race", extra={"provider": profile.provider}
        )
        raise FederationError(CONFLICT, email=profile.email) from None


def _identity(profile):
    return (
        FederatedIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider=profile.provider, subject=profile.subject)
        .first()
    )


def _require_active(user, profile):
    if not user.is_active:
        raise FederationError(ACCOUNT_DISABLED, user=user, email=profile.email)


def _touch(identity, profile):
    identity.last_used_at = timezone.now()
    fields = ["last_used_at"]
    if profile.email and profile.email != identity.email:
        identity.email = profile.email
        fields.append("email")
    identity.save(update_fields=fields)


def _sign_in(profile):
    identity = _identity(profile)
    if identity is not None:
        _require_active(identity.user, profile)
        _touch(identity, profile)
        return identity.user
    if not profile.email or not profile.email_verified:
        raise FederationError(EMAIL_NOT_VERIFIED, email=profile.email)
    user_model = get_user_model()
    user = user_model.objects.filter(email=profile.email).first()
    if user is None:
        return _create_user(profile)
    if not user.email_verified:
        # Someone may have registered this address with a password without owning
        # it; linking would hand them the real owner's provider sign-in.
        raise FederationError(ACCOUNT_EXISTS_UNVERIFIED, user=user, email=user.email)
    _require_active(user, profile)
    _add_identity(user, profile, via="verified_email")
    return user


def _create_user(profile):
    user = get_user_model().objects.create_user(
        profile.email,
        password=None,
        email_verified=True,
        full_name=profile.full_name[:150],
    )
    _create_identity(user, profile)
    record(
        AuditAction.USER_REGISTERED,
        actor=user,
        target=user,
        metadata={"auth_method": profile.provider},
    )
    return user


def _link_to(profile, user_id):
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise FederationError(ACCOUNT_DISABLED, email=profile.email)
    _require_active(user, profile)
    identity = _identity(profile)
    if identity is not None and identity.user_id != user.pk:
        raise FederationError(IDENTITY_IN_USE, user=user, email=user.email)
    if identity is not None:
        _touch(identity, profile)
        return user
    _add_identity(user, profile, via="settings")
    return user


def _create_identity(user, profile):
    return FederatedIdentity.objects.create(
        user=user,
        provider=profile.provider,
        subject=profile.subject,
        email=profile.email,
        last_used_at=timezone.now(),
    )


def _add_identity(user, profile, via):
    identity = _create_identity(user, profile)
    record(
        AuditAction.IDENTITY_LINKED,
        actor=user,
        target=identity,
        metadata={"provider": profile.provider, "via": via},
    )
    return identity
