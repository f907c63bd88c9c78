"""Session endings staff perform in the back office, each audited in its transaction."""

from django.db import transaction

from audit.actions import AuditAction
from audit.services import record
from sessions_api.services import revoke_session, revoke_user_sessions

STAFF_REVOKED_REASON = "revoked_by_staff"


def end_sessions(user, *, actor):
    """End every active session of `user`; return how many were active."""
    with transaction.atomic():
        count = revoke_user_sessions(user, STAFF_REVOKED_REASON)
        if count:
            record(
                AuditAction.SESSIONS_REVOKED,
                actor=actor,
                target=user,
                metadata={"count": count, "via": "admin"},
            )
    return count


def revoke(session, *, actor):
    """End one session; return False when it had already ended."""
    with transaction.atomic():
        revoked = revoke_session(session, STAFF_REVOKED_REASON)
        if revoked:
            record(
                AuditAction.SESSION_REVOKED,
                actor=actor,
                target=session,
                metadata={"user_id": str(session.user_id), "via": "admin"},
            )
    return revoked
