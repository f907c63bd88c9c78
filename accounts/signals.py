"""Signals accounts sends so higher apps can act, and the receivers it owns itself.

Lower apps never import higher ones: `sessions_api` ends sessions on
`password_changed`, `user_deactivated` and `user_deleting`; `organizations` refuses
`user_deleting` (by raising the API's Conflict) while the user is a last owner.
"""

from django.contrib.auth import user_logged_in
from django.contrib.auth.models import update_last_login
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User, UserStatus

# Sent with `user` and `keep_session_id` (the session that made the change, or None).
password_changed = Signal()
# Sent with `user` after a save that moved the status away from active.
user_deactivated = Signal()
# Sent with `user` inside the deletion transaction, before the row goes.
user_deleting = Signal()
# Sent with `user` after a password login proved the password, before the session is
# created. A receiver refuses the login by raising the API's Forbidden (for example
# when the user's organization enforces single sign-on).
password_login_verified = Signal()


def _remember_status(sender, instance, **kwargs):
    if instance.pk is None or instance._state.adding:
        instance._previous_status = None
        return
    instance._previous_status = (
        User.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    )


def _announce_deactivation(sender, instance, created, **kwargs):
    previous = getattr(instance, "_previous_status", None)
    if created or instance.status == UserStatus.ACTIVE:
        return
    if previous != instance.status:
        user_deactivated.send(sender=User, user=instance)


def _stamp_admin_login(sender, user, **kwargs):
    User.objects.filter(pk=user.pk).update(last_login_at=timezone.now())


def connect_receivers():
    pre_save.connect(_remember_status, sender=User, dispatch_uid="accounts_status")
    post_save.connect(
        _announce_deactivation, sender=User, dispatch_uid="accounts_deactivated"
    )
    # Django's own receiver writes `last_login`, which this model does not have.
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user_logged_in.connect(_stamp_admin_login, dispatch_uid="accounts_last_login")
