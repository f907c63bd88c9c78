"""The front-end redirect allow-list: exact scheme, host, port and path matches only."""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_and_path(url):
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.username or parts.password or parts.fragment:
        return None
    return parts.scheme, parts.hostname.lower(), port, parts.path or "/"


def is_allowed_redirect(url):
    """True only when `url` names exactly one allow-listed callback."""
    if not isinstance(url, str) or not url or len(url) > 2048:
        return False
    wanted = _origin_and_path(url)
    if wanted is None:
        return False
    return any(
        _origin_and_path(entry) == wanted
        for entry in settings.FRONTEND_REDIRECT_ALLOWLIST
    )


def with_params(url, **params):
    """Append query parameters to an allow-listed URL."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
