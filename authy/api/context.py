"""Per-request values (request id, client IP, user agent) for services and logs."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""


_EMPTY = RequestContext()
_current = contextvars.ContextVar("authy_request_context", default=_EMPTY)


def get_request_context():
    """Return the context of the request being served, or an empty one."""
    return _current.get()


def bind_request_context(context):
    """Make `context` current; return a token for `reset_request_context`."""
    return _current.set(context)


def reset_request_context(token):
    _current.reset(token)
