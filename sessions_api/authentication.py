"""Bearer-token authentication for DRF: cache first, the database as the truth."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from authy.api.errors import AuthenticationFailed
from sessions_api import cache as session_cache
from sessions_api.models import Session
from sessions_api.tokens import hash_token

# last_activity_at is written at most this often per session.
ACTIVITY_WRITE_INTERVAL = timedelta(seconds=60)
# Longer values cannot be tokens we issued; refuse them before hashing.
MAX_TOKEN_LENGTH = 256

_SESSION_FIELDS = (
    "id",
    "user_id",
    "created_at",
    "expires_at",
    "last_activity_at",
    "ip_address",
    "user_agent",
    "auth_method",
)


@dataclass
class CurrentSession:
    """The session behind the request, as cached: enough to answer without a query."""

    id: object
    user_id: object
    created_at: datetime
    expires_at: datetime
    last_activity_at: datetime
    ip_address: str | None
    user_agent: str
    auth_method: str
    token_hash: str = ""


def _invalid():
    return AuthenticationFailed("Invalid or expired token.")


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate_header(self, request):
        return self.keyword

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2 or len(parts[1]) > MAX_TOKEN_LENGTH:
            raise _invalid()
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise _invalid() from None
        session, cached = self._load_session(hash_token(token))
        user = self._load_user(session, cached)
        if user is None or not user.is_active:
            if cached:
                session_cache.forget([session.token_hash])
            raise _invalid()
        self._touch(session)
        return user, session

    @staticmethod
    def _load_user(session, cached):
        users = get_user_model().objects.filter(pk=session.user_id)
        if cached:
            # A cache entry can outlive the revocation of its session: the delete
            # fails while Redis is unreachable and the entry is back when Redis
            # returns, or a snapshot restores it. The revocation is therefore
            # checked in the same query that reads the user, on every request.
            users = users.filter(
                Exists(Session.objects.filter(pk=session.id, revoked_at__isnull=True))
            )
        # No ORDER BY: the model's default ordering only slows a primary-key lookup.
        found = list(users.order_by()[:1])
        return found[0] if found else None

    def _load_session(self, token_hash):
        now = timezone.now()
        entry = session_cache.get(token_hash)
        cached = entry is not None
        if entry is None:
            row = (
                Session.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
                .values(*_SESSION_FIELDS)
                .first()
            )
            if row is None or row["expires_at"] <= now:
                raise _invalid()
            entry = row
            self._remember(token_hash, entry, now)
        if entry["expires_at"] <= now:
            raise _invalid()
        return CurrentSession(**entry, token_hash=token_hash), cached

    @staticmethod
    def _remember(token_hash, entry, now):
        seconds = int((entry["expires_at"] - now).total_seconds())
        session_cache.put(token_hash, entry, seconds)

    def _touch(self, session):
        now = timezone.now()
        if now - session.last_activity_at < ACTIVITY_WRITE_INTERVAL:
            return
        Session.objects.filter(pk=session.id).update(last_activity_at=now)
        session.last_activity_at = now
        entry = {name: getattr(session, name) for name in _SESSION_FIELDS}
        self._remember(session.token_hash, entry, now)
