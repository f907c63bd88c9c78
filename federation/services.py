"""Linked accounts: list, the signed single-use link ticket, and unlinking."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.services import record
from authy.api.errors import Conflict, NotFound, ValidationFailed
from federation.models import FederatedIdentity, LinkTicket

LINK_TICKET_SALT = "authy/federation/link-ticket"
INVALID_TICKET_MESSAGE = "The link ticket is invalid or has expired."


def linked_accounts(user):
    return FederatedIdentity.objects.filter(user=user).order_by("created_at")


def issue_link_ticket(user, provider_id, redirect_uri):
    """Return (signed ticket, expires_at) that lets one browser flow link `user`."""
    ttl = settings.FEDERATION_LINK_TICKET_TTL
    ticket = LinkTicket.objects.create(
        user=user,
        provider=provider_id,
        redirect_uri=redirect_uri,
        expires_at=timezone.now() + timedelta(seconds=ttl),
    )
    return signing.dumps(str(ticket.id), salt=LINK_TICKET_SALT), ticket.expires_at


def redeem_link_ticket(value, provider_id, redirect_uri):
    """Burn a ticket for this provider and redirect URI; return its user's id.

    The signature and max_age stop forged or stale tickets before the database is
    asked; the conditional UPDATE makes each ticket work exactly once.
    """
    invalid = ValidationFailed.on_field("link_ticket", INVALID_TICKET_MESSAGE)
    if not isinstance(value, str) or len(value) > 512:
        raise invalid
    try:
        ticket_id = signing.loads(
            value, salt=LINK_TICKET_SALT, max_age=settings.FEDERATION_LINK_TICKET_TTL
        )
    except signing.BadSignature:
        raise invalid from None
    now = timezone.now()
    tickets = LinkTicket.objects.filter(
        pk=ticket_id, provider=provider_id, redirect_uri=redirect_uri
    )
    if not tickets.filter(used_at__isnull=True, expires_at__gt=now).update(used_at=now):
        raise invalid
    return tickets.values_list("user_id", flat=True).get()


@transaction.atomic
def unlink(user, identity_id):
    """Remove one of `user`'s identities unless it is their last way to sign in."""
    # Locking the user serialises concurrent unlinks, so two requests cannot each
    # remove "the other" identity and leave the account unreachable.
    locked = get_user_model().objects.select_for_update().get(pk=user.pk)
    identity = FederatedIdentity.objects.filter(pk=identity_id, user=locked).first()
    if identity is None:
        raise NotFound("No such linked account.")
    others = FederatedIdentity.objects.filter(user=locked).exclude(pk=identity.pk)
    if not locked.has_usable_password() and not others.exists():
        raise Conflict(
            "This is your only way to sign in. Set a password or link another "
            "account first."
        )
    record(
        AuditAction.IDENTITY_UNLINKED,
        actor=locked,
        target=identity,
        metadata={"provider": identity.provider},
    )
    identity.delete()
