"""Opening and ending sessions; every ending clears the cache after commit."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from authy.api.context import get_request_context
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
    updated = Session.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
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
