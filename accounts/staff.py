"""Changes staff make to accounts in the back office, each audited in its transaction.

Sessions end through the accounts signals (`user_deactivated`, `password_changed`,
`user_deleting`), so this module never imports a higher app.
"""

from django.db import transaction

from accounts.models import User, UserStatus
from accounts.signals import password_changed, user_deleting
from audit.actions import AuditAction
from audit.services import record

VIA_ADMIN = "admin"
# Fields whose change alters what the account may do; the rest are profile fields.
ACCESS_FIELDS = ("status", "is_staff", "is_superuser", "groups", "user_permissions")
_SCALAR_ACCESS_FIELDS = ("status", "is_staff", "is_superuser")


def set_status(user, status, *, actor):
    """Move `user` to `status`; return False when it already had it.

    Leaving `active` ends every session of the user (the `user_deactivated` signal).
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        previous = locked.status
        if previous == status:
            return False
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        record(
            AuditAction.USER_STATUS_CHANGED,
            actor=actor,
            target=locked,
            metadata={
                "fields": ["status"],
                "status": {"from": previous, "to": status},
                "via": VIA_ADMIN,
            },
        )
    user.status = status
    return True


def suspend(user, *, actor):
    return set_status(user, UserStatus.SUSPENDED, actor=actor)


def reactivate(user, *, actor):
    return set_status(user, UserStatus.ACTIVE, actor=actor)


def unlock(user, *, actor):
    """Clear the lockout state of `user`; return False when it held none."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not (
            locked.failed_login_count or locked.locked_until or locked.lockout_level
        ):
            return False
        failures = locked.failed_login_count
        locked.failed_login_count = 0
        locked.locked_until = None
        locked.lockout_level = 0
        locked.save(
            update_fields=[
                "failed_login_count",
                "locked_until",
                "lockout_level",
                "updated_at",
            ]
        )
        record(
            AuditAction.ACCOUNT_UNLOCKED,
            actor=actor,
            target=locked,
            metadata={"failed_logins": failures, "via": VIA_ADMIN},
        )
    return True


def record_created(user, *, actor):
    """Audit an account that staff created; call inside the creating transaction."""
    record(
        AuditAction.USER_REGISTERED,
        actor=actor,
        target=user,
        metadata={"via": VIA_ADMIN, "is_staff": user.is_staff},
    )


def record_changes(user, changed, previous, *, actor):
    """Audit the fields staff changed on `user` through the change form.

    `changed` names the changed fields; `previous` maps scalar access fields to their
    former values. Access changes and profile changes become separate events.
    """
    access = [name for name in changed if name in ACCESS_FIELDS]
    profile = [name for name in changed if name not in ACCESS_FIELDS]
    if access:
        metadata = {"fields": access, "via": VIA_ADMIN}
        for name in access:
            if name in _SCALAR_ACCESS_FIELDS:
                metadata[name] = {"from": previous.get(name), "to": getattr(user, name)}
        record(
            AuditAction.USER_STATUS_CHANGED, actor=actor, target=user, metadata=metadata
        )
    if profile:
        record(
            AuditAction.PROFILE_UPDATED,
            actor=actor,
            target=user,
            metadata={"fields": profile, "via": VIA_ADMIN},
        )


def record_password_set(user, *, actor):
    """Audit a password set by staff and end the user's sessions.

    Call inside the transaction that saved the new password.
    """
    password_changed.send(sender=User, user=user, keep_session_id=None)
    record(
        AuditAction.PASSWORD_CHANGED,
        actor=actor,
        target=user,
        metadata={"via": VIA_ADMIN, "usable": user.has_usable_password()},
    )


def delete(user, *, actor):
    """Delete `user` for staff; receivers of `user_deleting` may refuse."""
    with transaction.atomic():
        user_deleting.send(sender=User, user=user)
        record(
            AuditAction.USER_DELETED,
            actor=actor,
            target=user,
            metadata={"via": VIA_ADMIN},
        )
        user.delete()
