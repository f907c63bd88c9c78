"""`record()`: the one way services write to the audit trail."""

import re

from audit.actions import AuditAction
from audit.models import AuditEvent
from authy.api.context import get_request_context

# Metadata keys that could carry a credential are refused outright, so a careless
# caller fails loudly in tests instead of leaking quietly in production.
_SECRET_KEY = re.compile(
    r"pass(word)?|token|secret|code|otp|key|credential|cookie|authorization",
    re.IGNORECASE,
)


class AuditMetadataError(ValueError):
    """Raised when audit metadata holds a key that looks like a secret."""


def _check_metadata(metadata, path=""):
    for key, value in metadata.items():
        if _SECRET_KEY.search(str(key)):
            raise AuditMetadataError(f"Audit metadata key {path}{key!r} looks secret.")
        if isinstance(value, dict):
            _check_metadata(value, f"{path}{key}.")


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

    `actor` is a user (or None for anonymous acts); `target` a model instance whose
    type and id are recorded. Request id, IP and user agent come from the request
    context bound by the middleware.
    """
    AuditAction(action)  # Unknown actions fail here rather than at read time.
    metadata = dict(metadata or {})
    _check_metadata(metadata)
    context = get_request_context()
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target_id or str(target.pk)
    return AuditEvent.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_email=getattr(actor, "email", "") or actor_email,
        organization_id=organization_id,
        target_type=target_type,
        target_id=str(target_id),
        ip_address=context.ip_address,
        user_agent=context.user_agent,
        request_id=context.request_id,
        metadata=metadata,
        success=success,
    )
