"""The session cache: a speed layer in front of the `Session` table.

Entries hold only what the authentication class needs (session id, user id, expiry,
last activity). The database stays the truth: revocation writes the row first and
deletes the cache key after commit, and since that delete can fail while Redis is
unreachable, the authentication class checks the row's revocation on every hit, in
the query that reads the user. A cache failure is treated as a miss.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

KEY_PREFIX = "authy/sessions_api/token/"
# A hit is trusted for at most this long before the row is read again.
MAX_CACHE_SECONDS = 300
_WARN_INTERVAL = 60.0
_last_warning = 0.0


def _key(token_hash):
    return KEY_PREFIX + token_hash


def _warn(operation):
    # One line per interval, not per request, while the cache is down.
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_INTERVAL:
        _last_warning = now
        logger.warning(
            "Session cache unavailable during %s; using the database", operation
        )


def get(token_hash):
    try:
        return cache.get(_key(token_hash))
    except Exception:  # noqa: BLE001 - any cache failure falls back to the database
        _warn("read")
        return None


def put(token_hash, entry, seconds):
    if seconds <= 0:
        return
    try:
        cache.set(_key(token_hash), entry, timeout=min(seconds, MAX_CACHE_SECONDS))
    except Exception:  # noqa: BLE001
        _warn("write")


def forget(token_hashes):
    keys = [_key(token_hash) for token_hash in token_hashes]
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except Exception:  # noqa: BLE001
        _warn("delete")
