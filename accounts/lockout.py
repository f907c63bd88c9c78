"""Per-account login lockout: on the user row for real accounts, in the cache otherwise.

A real account's counter lives on its row so that flushing the cache cannot reset it.
An unknown email gets the same counter in the cache, keyed by a hash of the
normalised address, so that a lock never tells a caller whether the account exists.
"""

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User

logger = logging.getLogger(__name__)

CACHE_KEY_PREFIX = "authy/accounts/lockout/"
# How long an unknown email's counter is remembered after its last failure.
CACHE_TTL_SECONDS = 24 * 3600


@dataclass
class FailureOutcome:
    """What one more failure did: whether it locked, and for how long."""

    locked: bool = False
    lock_seconds: int = 0


def lock_seconds(level):
    """Return the length of the `level`-th lock: the base doubled, up to the max."""
    base = settings.LOGIN_LOCKOUT_SECONDS
    return min(base * 2 ** max(level - 1, 0), settings.LOGIN_LOCKOUT_MAX_SECONDS)


def seconds_left(locked_until, now=None):
    """Return whole seconds until `locked_until` (0 when it has passed or is None)."""
    if locked_until is None:
        return 0
    remaining = (locked_until - (now or timezone.now())).total_seconds()
    return max(0, math.ceil(remaining))


def _next_state(count, level, now):
    """Apply one failure to (count, level); return (count, level, until, outcome)."""
    count += 1
    if count < settings.LOGIN_LOCKOUT_THRESHOLD:
        return count, level, None, FailureOutcome()
    level += 1
    duration = lock_seconds(level)
    until = now + timedelta(seconds=duration)
    return 0, level, until, FailureOutcome(locked=True, lock_seconds=duration)


# Real accounts: the row is locked by the caller (select_for_update) before these run.


def account_retry_after(user, now=None):
    """Return seconds the account stays locked (0 when it is not locked)."""
    return seconds_left(user.locked_until, now)


def register_account_failure(user, now=None):
    """Count a failed password on `user` (a row locked for update) and save it."""
    now = now or timezone.now()
    count, level, until, outcome = _next_state(
        user.failed_login_count, user.lockout_level, now
    )
    changes = {"failed_login_count": count, "lockout_level": level}
    if outcome.locked:
        changes["locked_until"] = until
    # A queryset update, not save(): the row's other fields and the save signals
    # (which watch status changes) have nothing to do with a failed login.
    User.objects.filter(pk=user.pk).update(**changes)
    for name, value in changes.items():
        setattr(user, name, value)
    return outcome


def clear_account(user):
    """Forget failures and lock level after a successful login."""
    if user.failed_login_count or user.lockout_level or user.locked_until:
        User.objects.filter(pk=user.pk).update(
            failed_login_count=0, lockout_level=0, locked_until=None
        )
        user.failed_login_count = user.lockout_level = 0
        user.locked_until = None


# Unknown emails: the same arithmetic on a cache entry.


def _email_key(email):
    digest = hashlib.sha256(email.encode("utf-8")).hexdigest()
    return CACHE_KEY_PREFIX + digest


def _read_entry(email):
    try:
        return cache.get(_email_key(email)) or {}
    except Exception:  # noqa: BLE001 - a dead cache means no counter, not an error
        logger.warning("Lockout cache unavailable; unknown-email counter skipped")
        return {}


def unknown_email_retry_after(email, now=None):
    """Return seconds an unknown email stays locked (0 when it is not locked)."""
    until = _read_entry(email).get("locked_until")
    return seconds_left(datetime.fromisoformat(until) if until else None, now)


def register_unknown_email_failure(email, now=None):
    """Count a failed login for an email that names no account."""
    now = now or timezone.now()
    entry = _read_entry(email)
    count, level, until, outcome = _next_state(
        entry.get("count", 0), entry.get("level", 0), now
    )
    entry = {
        "count": count,
        "level": level,
        "locked_until": until.isoformat() if until else entry.get("locked_until"),
    }
    try:
        cache.set(_email_key(email), entry, timeout=CACHE_TTL_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("Lockout cache unavailable; unknown-email counter skipped")
    return outcome
