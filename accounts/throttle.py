"""Per-IP rate limits on login and registration, counted by django-ratelimit."""

import logging

from django.conf import settings
from django_ratelimit.core import get_usage

from authy.api.errors import RateLimited

logger = logging.getLogger(__name__)

THROTTLE_GROUP_PREFIX = "authy/accounts/"
# Each scope reads its rate from a setting at request time, so tests can change it.
THROTTLE_RATE_SETTINGS = {
    "login": "RATELIMIT_LOGIN",
    "register": "RATELIMIT_REGISTER",
}


def _rate_for(scope):
    return lambda group, request: getattr(settings, THROTTLE_RATE_SETTINGS[scope])


def limit_by_ip(request, scope):
    """Count this request against the caller's IP; raise RateLimited over the limit.

    RATELIMIT_ENABLE switches the limits off. If the shared cache is unreachable the
    request is let through: the per-account lockout, kept in the database, still
    stands between a guesser and the accounts.
    """
    try:
        usage = get_usage(
            request,
            group=THROTTLE_GROUP_PREFIX + scope,
            key="ip",
            rate=_rate_for(scope),
            increment=True,
        )
    except Exception:  # noqa: BLE001 - the cache backend's own errors vary
        logger.warning("Rate-limit cache unavailable; %s not limited by IP", scope)
        return
    if usage and usage["should_limit"]:
        raise RateLimited(retry_after=max(usage["time_left"], 1))
