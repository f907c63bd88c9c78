"""Receivers that end sessions when accounts announces a change of credentials."""

from accounts import signals as account_signals
from sessions_api.services import revoke_user_sessions


def _on_password_changed(sender, user, keep_session_id=None, **kwargs):
    # The count is the answer accounts reports as `revoked_sessions`.
    return revoke_user_sessions(
        user, "password_changed", keep_session_id=keep_session_id
    )


def _on_user_deactivated(sender, user, **kwargs):
    revoke_user_sessions(user, f"user_{user.status}")


def _on_user_deleting(sender, user, **kwargs):
    revoke_user_sessions(user, "user_deleted")


def connect_receivers():
    account_signals.password_changed.connect(
        _on_password_changed, dispatch_uid="sessions_password_changed"
    )
    account_signals.user_deactivated.connect(
        _on_user_deactivated, dispatch_uid="sessions_user_deactivated"
    )
    account_signals.user_deleting.connect(
        _on_user_deleting, dispatch_uid="sessions_user_deleting"
    )
