"""The client's IP address, trusting `X-Forwarded-For` only as far as configured."""

import ipaddress

from django.conf import settings


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """Return the caller's IP, or None when nothing trustworthy names it.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For
    is the one our nearest trusted proxy saw; anything further left is client-supplied.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        parts = [part for part in forwarded.split(",") if part.strip()]
        if len(parts) >= hops:
            return _valid_ip(parts[-hops])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def ratelimit_ip_key(request):
    """Feed django-ratelimit the same address the audit trail records."""
    # An unparseable socket address still needs a bucket; all such callers share it.
    return client_ip(request) or "0.0.0.0"  # noqa: S104 - a key, not a bind address
