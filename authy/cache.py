"""The Redis cache backend with a circuit breaker, so an outage costs one timeout.

Gatehouse treats Redis as a speed layer: every caller copes with a miss (sessions are
read from the database, health reports `degraded`, django-ratelimit fails open as
`RATELIMIT_FAIL_OPEN` says). What callers cannot cope with is paying a socket timeout
on every cache call while Redis is dead or hung. After a connection failure the breaker
opens: for `CIRCUIT_BREAKER_SECONDS` every call in this process answers as a miss at
once; the first call after that tries Redis again and closes the breaker on success.
One line is logged when Redis goes away (at most once per `_LOG_INTERVAL`) and one
when it is back.
"""

import logging
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_BREAKER_SECONDS = 5.0
_LOG_INTERVAL = 60.0


class CircuitBreaker:
    """Per-process memory of a recent Redis failure, shared by every thread."""

    def __init__(self, cooldown):
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._down = False
        self._last_log = float("-inf")

    def allows(self):
        return time.monotonic() >= self._open_until

    def failed(self, exc):
        now = time.monotonic()
        with self._lock:
            self._open_until = now + self.cooldown
            self._down = True
            if now - self._last_log < _LOG_INTERVAL:
                return
            self._last_log = now
        logger.warning(
            "Redis unreachable (%s); cache bypassed for %.0fs at a time: sessions "
            "are read from the database and per-IP rate limits are not enforced",
            type(exc.__cause__ or exc).__name__,
            self.cooldown,
        )

    def succeeded(self):
        if not self._down:
            return
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            logger.warning("Redis reachable again; cache in use")


# One breaker per Redis location per process: Django builds a cache object per
# thread, and every thread should learn from a failure any of them saw.
_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, cooldown):
    with _breakers_lock:
        return _breakers.setdefault(location, CircuitBreaker(cooldown))


class _GuardedClient:
    """Wrap the django-redis client: fail fast while the breaker is open."""

    def __init__(self, client, breaker):
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def guarded(*args, **kwargs):
            if not self._breaker.allows():
                raise ConnectionInterrupted(connection=None)
            try:
                result = attribute(*args, **kwargs)
            except ConnectionInterrupted as exc:
                self._breaker.failed(exc)
                raise
            except (RedisError, OSError) as exc:
                self._breaker.failed(exc)
                raise ConnectionInterrupted(connection=None) from exc
            self._breaker.succeeded()
            return result

        return guarded


class ResilientRedisCache(RedisCache):
    """django-redis, where a connection failure reads as a miss and opens a breaker."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        cooldown = float(
            options.pop("CIRCUIT_BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS)
        )
        # Every caller handles a miss; none should see a connection error.
        options["IGNORE_EXCEPTIONS"] = True
        super().__init__(server, {**params, "OPTIONS": options})
        self._breaker = breaker_for(str(server), cooldown)
        self._guarded = None

    @property
    def client(self):
        if self._guarded is None:
            self._guarded = _GuardedClient(super().client, self._breaker)
        return self._guarded

    @property
    def available(self):
        """False while the breaker is open: the last call found Redis unreachable."""
        return self._breaker.allows()
