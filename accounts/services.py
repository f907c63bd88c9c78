"""Account rules: registration, password login checks, profile, password, deletion."""

import logging

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts import lockout
from accounts.emails import normalize_email
from accounts.models import User
from accounts.signals import password_changed, user_deleting
from audit.actions import AuditAction
from audit.services import record
from authy.api.errors import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    RateLimited,
    ValidationFailed,
)

logger = logging.getLogger(__name__)

INVALID_LOGIN_MESSAGE = "Invalid email or password"
LOCKED_MESSAGE = "Too many failed logins. Try again later."
INACTIVE_MESSAGE = "This account is not active."
EMAIL_TAKEN_MESSAGE = "An account with this email already exists."
WRONG_PASSWORD_MESSAGE = "The password is not correct."
PROFILE_FIELDS = ("full_name", "avatar_url")


@sensitive_variables("password")
def check_password_policy(password, user, field):
    """Raise a VALIDATION_ERROR on `field` unless `password` meets the policy."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationFailed(details={field: list(error.messages)}) from None


@sensitive_variables("password")
def register_user(email, password, full_name=""):
    """Create an active account and record its registration; return the user."""
    email = normalize_email(email)
    user = User(email=email, full_name=full_name)
    check_password_policy(password, user, "password")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(EMAIL_TAKEN_MESSAGE, details={"email": [EMAIL_TAKEN_MESSAGE]})
    user.set_password(password)
    try:
        # A savepoint, so a concurrent registration of the same email loses cleanly.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Conflict(
            EMAIL_TAKEN_MESSAGE, details={"email": [EMAIL_TAKEN_MESSAGE]}
        ) from None
    record(
        AuditAction.USER_REGISTERED,
        actor=user,
        target=user,
        metadata={"auth_method": "password"},
    )
    return user


def _invalid_login():
    return AuthenticationFailed(INVALID_LOGIN_MESSAGE)


def _record_failure(email, user, reason):
    record(
        AuditAction.LOGIN_FAILED,
        actor=user,
        actor_email=email,
        target=user,
        metadata={"email": email, "reason": reason},
        success=False,
    )


def _record_lock(email, user, outcome):
    record(
        AuditAction.ACCOUNT_LOCKED,
        actor=user,
        target=user,
        metadata={"email": email, "lock_seconds": outcome.lock_seconds},
        success=False,
    )


def _failure_answer(outcome):
    if outcome.locked:
        return RateLimited(LOCKED_MESSAGE, retry_after=outcome.lock_seconds)
    return _invalid_login()


def _refuse_locked(email, user, retry_after):
    _record_failure(email, user, "locked")
    return RateLimited(LOCKED_MESSAGE, retry_after=retry_after)


@sensitive_variables("password")
def _unknown_email_attempt(email, password):
    retry_after = lockout.unknown_email_retry_after(email)
    if retry_after:
        return _refuse_locked(email, None, retry_after)
    # Hash anyway, so an unknown email costs the same time as a wrong password.
    User().set_password(password)
    outcome = lockout.register_unknown_email_failure(email)
    with transaction.atomic():
        _record_failure(email, None, "unknown_email")
        if outcome.locked:
            logger.warning(
                "Login lockout of an unknown email (%ss)", outcome.lock_seconds
            )
            _record_lock(email, None, outcome)
    return _failure_answer(outcome)


def _wrong_password(email, user):
    with transaction.atomic():
        # Lock the row, so concurrent failures each count.
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        outcome = lockout.register_account_failure(locked_user)
        _record_failure(email, user, "wrong_password")
        if outcome.locked:
            logger.warning(
                "Login lockout of account %s (%ss)", user.pk, outcome.lock_seconds
            )
            _record_lock(email, user, outcome)
    return _failure_answer(outcome)


@sensitive_variables("password")
def authenticate_password(email, password):
    """Return the user whose email and password these are, or raise.

    Unknown email and wrong password raise the same 401; a locked account or email
    the same 429 with Retry-After, whatever the password; a right password on an
    inactive or suspended account a 403. Each failure is counted and audited in a
    transaction of its own, so it stays recorded although the request fails. A
    right password upgrades an outdated hash (check_password saves it). Nothing
    here runs inside the caller's transaction: failures must outlive the request.
    """
    email = normalize_email(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        raise _unknown_email_attempt(email, password)
    retry_after = lockout.account_retry_after(user)
    if retry_after:
        raise _refuse_locked(email, user, retry_after)
    if not user.check_password(password):
        raise _wrong_password(email, user)
    if not user.is_active:
        _record_failure(email, user, f"account_{user.status}")
        raise Forbidden(INACTIVE_MESSAGE)
    lockout.clear_account(user)
    return user


def stamp_login(user):
    """Write `last_login_at` without a full save (no stale fields, no save signals)."""
    user.last_login_at = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login_at=user.last_login_at)


def update_profile(user, changes):
    """Apply `changes` (only profile fields) and record the names of changed fields."""
    changed = sorted(
        name
        for name, value in changes.items()
        if name in PROFILE_FIELDS and getattr(user, name) != value
    )
    if not changed:
        return user
    with transaction.atomic():
        for name in changed:
            setattr(user, name, changes[name])
        user.save(update_fields=[*changed, "updated_at"])
        record(
            AuditAction.PROFILE_UPDATED,
            actor=user,
            target=user,
            metadata={"fields": changed},
        )
    return user


@sensitive_variables("password")
def _require_password(user, password, field):
    """Refuse with a VALIDATION_ERROR on `field` unless `password` is the user's."""
    if not password:
        raise ValidationFailed.on_field(field, "This field is required.")
    if not user.check_password(password):
        raise ValidationFailed.on_field(field, WRONG_PASSWORD_MESSAGE)


@sensitive_variables("current_password", "new_password")
def change_password(user, current_password, new_password, keep_session_id=None):
    """Set a new password, end the user's other sessions; return how many ended.

    An account without a usable password (federated only) sets its first one without
    a current password.
    """
    if user.has_usable_password():
        _require_password(user, current_password, "current_password")
    check_password_policy(new_password, user, "new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", "updated_at"])
        responses = password_changed.send(
            sender=User, user=user, keep_session_id=keep_session_id
        )
        # Receivers that end sessions answer with how many they ended.
        revoked = sum(value for _, value in responses if type(value) is int)
        record(
            AuditAction.PASSWORD_CHANGED,
            actor=user,
            target=user,
            metadata={"revoked_sessions": revoked},
        )
    return revoked


@sensitive_variables("password")
def delete_account(user, password):
    """Delete the account after proving its password (when it has one).

    `user_deleting` is sent inside the transaction: sessions end, and organizations
    may refuse (Conflict) while the user is the last owner of a shared one. The
    audit event is written before the row goes and keeps the email as its label.
    """
    if user.has_usable_password():
        _require_password(user, password, "password")
    with transaction.atomic():
        user_deleting.send(sender=User, user=user)
        record(AuditAction.USER_DELETED, actor=user, target=user)
        user.delete()
