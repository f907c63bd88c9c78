"""Receivers that keep organizations owned when accounts go away."""

from accounts import signals as account_signals
from organizations.services import release_memberships_of


def _on_user_deleting(sender, user, **kwargs):
    # Raises the API's Conflict while `user` is the last owner of an organization
    # that has other members; the deletion transaction then rolls back.
    release_memberships_of(user)


def connect_receivers():
    account_signals.user_deleting.connect(
        _on_user_deleting, dispatch_uid="organizations_user_deleting"
    )
