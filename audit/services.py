"""`record()`: the one way services write to the audit trail."""

import json
import logging
import re
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.models import AuditEvent
from authy.api.context import get_request_context

logger = logging.getLogger(__name__)

# Metadata keys that could carry a credential are refused outright, so a careless
# caller fails loudly in tests instead of leaking quietly in production.
_SECRET_KEY = re.compile(
    r"pass(word)?|token|secret|code|otp|key|credential|cookie|authorization",
    re.IGNORECASE,
)
# Our bearer tokens and login codes are `secrets.token_urlsafe(32)`: 43 characters
# of the URL-safe alphabet, mixing both cases. Slugs, hex digests and UUIDs are
# single-case or shorter, so they pass; a value holding such a run does not.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_-]{40,}")
_EMAIL_MAX = AuditEvent._meta.get_field("actor_email").max_length
_TARGET_TYPE_MAX = AuditEvent._meta.get_field("target_type").max_length
_TARGET_ID_MAX = AuditEvent._meta.get_field("target_id").max_length


class AuditMetadataError(ValueError):
    """Raised when audit metadata holds a key or value that looks like a secret."""


def _looks_like_token(text):
    return any(
        re.search("[a-z]", run) and re.search("[A-Z]", run)
        for run in _TOKEN_RUN.findall(text)
    )


def _check_value(value, path):
    if isinstance(value, dict):
        _check_metadata(value, f"{path}.")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_value(item, f"{path}[{index}]")
    elif isinstance(value, str) and _looks_like_token(value):
        raise AuditMetadataError(
            f"Audit metadata value at {path!r} looks like a token."
        )


def _check_metadata(metadata, path=""):
    for key, value in metadata.items():
        if _SECRET_KEY.search(str(key)):
            raise AuditMetadataError(f"Audit metadata key {path}{key!r} looks secret.")
        _check_value(value, f"{path}{key}")


def record(
    action,
    *,
    actor=None,
    actor_email="",
    organization_id=None,
    target=None,
    target_type="",
    target_id="",
    metadata=None,
    success=True,
):
    """Write one audit event for `action`, inside the caller's transaction.

    `actor` is a user (or None for anonymous acts; `actor_email` then labels who
    was named, as on a failed login); `target` a model instance whose type and id
    are recorded. Request id, IP and user agent come from the request context the
    middleware binds; outside a request (a management command, a shell) they are
    empty.
    """
    AuditAction(action)  # Unknown actions fail here rather than at read time.
    # A round trip through JSON turns ids, times and decimals into the strings
    # that will be stored, so callers may pass `member.id` or `locked_until`.
    metadata = json.loads(json.dumps(dict(metadata or {}), cls=DjangoJSONEncoder))
    _check_metadata(metadata)
    context = get_request_context()
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target_id or str(target.pk)
    # The email of a failed login is whatever the client typed; cut it to the
    # column so an absurd value is recorded instead of failing the insert.
    return AuditEvent.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_email=(getattr(actor, "email", "") or actor_email or "")[:_EMAIL_MAX],
        organization_id=organization_id,
        target_type=target_type[:_TARGET_TYPE_MAX],
        target_id=str(target_id or "")[:_TARGET_ID_MAX],
        ip_address=context.ip_address,
        user_agent=context.user_agent,
        request_id=context.request_id,
        metadata=metadata,
        success=success,
    )


@transaction.atomic
def prune(days):
    """Delete events older than `days` days and record that it happened; return a count.

    The deletion and its `audit.pruned` event commit together, so rows never leave
    without a trace. One statement, so run it often (daily) to keep it short.
    """
    cutoff = timezone.now() - timedelta(days=days)
    count = AuditEvent.objects.prune_before(cutoff)
    record(
        AuditAction.AUDIT_PRUNED,
        metadata={"days": days, "count": count, "before": cutoff.isoformat()},
    )
    logger.info("Pruned %s audit events older than %s days", count, days)
    return count
