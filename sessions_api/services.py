"""Opening and ending sessions; every ending clears the cache after commit."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts import services as accounts
from accounts.models import User
from accounts.signals import password_login_verified
from audit.actions import AuditAction
from audit.services import record
from authy.api.context import get_request_context
from authy.api.errors import NotFound
from sessions_api import cache as session_cache
from sessions_api.models import AuthMethod, Session
from sessions_api.tokens import hash_token, new_token


def session_lifetime(remember_me):
    seconds = settings.SESSION_REMEMBER_TTL if remember_me else settings.SESSION_TTL
    return timedelta(seconds=seconds)


def create_session(user, *, auth_method=AuthMethod.PASSWORD, remember_me=False):
    """Open a session for `user`; return (session, token). The token is shown once."""
    token = new_token()
    now = timezone.now()
    context = get_request_context()
    session = Session.objects.create(
        user=user,
        token_hash=hash_token(token),
        auth_method=auth_method,
        created_at=now,
        last_activity_at=now,
        expires_at=now + session_lifetime(remember_me),
        ip_address=context.ip_address,
        user_agent=context.user_agent,
    )
    return session, token


def _forget_after_commit(token_hashes):
    token_hashes = list(token_hashes)
    if token_hashes:
        transaction.on_commit(lambda: session_cache.forget(token_hashes))


def revoke_session(session, reason):
    """End one session; return True when it was active until now."""
    # `session` is a Session row or the request's CurrentSession: both have `id`.
    updated = Session.objects.filter(pk=session.id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    _forget_after_commit([session.token_hash])
    return bool(updated)


def revoke_user_sessions(user, reason, keep_session_id=None):
    """End every active session of `user` except `keep_session_id`; return a count."""
    sessions = Session.objects.active().filter(user=user)
    if keep_session_id is not None:
        sessions = sessions.exclude(pk=keep_session_id)
    hashes = list(sessions.values_list("token_hash", flat=True))
    if not hashes:
        return 0
    count = Session.objects.filter(
        token_hash__in=hashes, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_reason=reason)
    _forget_after_commit(hashes)
    return count


@sensitive_variables("password")
def register(email, password, full_name=""):
    """Create an account and log it in; return (user, session, token).

    Registration is one audited act (`user.registered`), not also a login.
    """
    with transaction.atomic():
        user = accounts.register_user(email, password, full_name)
        session, token = create_session(user, auth_method=AuthMethod.PASSWORD)
        accounts.stamp_login(user)
    return user, session, token


@sensitive_variables("password")
def login_with_password(email, password, remember_me=False):
    """Check the credentials and open a session; return (user, session, token).

    Failures are counted and recorded by `authenticate_password` before it raises.
    A `password_login_verified` receiver may still refuse (Forbidden): nothing of
    the login is then written.
    """
    user = accounts.authenticate_password(email, password)
    with transaction.atomic():
        password_login_verified.send(sender=User, user=user)
        session, token = create_session(
            user, auth_method=AuthMethod.PASSWORD, remember_me=remember_me
        )
        accounts.stamp_login(user)
        record(
            AuditAction.LOGIN_SUCCEEDED,
            actor=user,
            target=session,
            metadata={"auth_method": AuthMethod.PASSWORD, "remember_me": remember_me},
        )
    return user, session, token


def logout(user, current):
    """End the request's own session."""
    with transaction.atomic():
        revoke_session(current, "logout")
        record(
            AuditAction.LOGOUT, actor=user, target_type="session", target_id=current.id
        )


def active_sessions(user):
    """Return the user's active sessions, newest first."""
    return list(Session.objects.active().filter(user=user).order_by("-created_at"))


def revoke_own_session(user, session_id):
    """End one of the user's active sessions; 404 for anything else."""
    session = Session.objects.active().filter(pk=session_id, user=user).first()
    if session is None:
        raise NotFound("Session not found.")
    with transaction.atomic():
        revoke_session(session, "revoked")
        record(AuditAction.SESSION_REVOKED, actor=user, target=session)


def revoke_other_sessions(user, current):
    """End every active session of the user but the current one; return a count."""
    with transaction.atomic():
        count = revoke_user_sessions(user, "revoked", keep_session_id=current.id)
        record(AuditAction.SESSIONS_REVOKED, actor=user, metadata={"revoked": count})
    return count
