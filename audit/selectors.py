"""Read queries over the audit trail, newest first, with the log filters applied."""

from audit.models import AuditEvent

_NEWEST_FIRST = ("-created_at", "-id")

EVENT_VALUES = (
    "id",
    "action",
    "actor_id",
    "actor_email",
    "organization_id",
    "target_type",
    "target_id",
    "ip_address",
    "user_agent",
    "request_id",
    "metadata",
    "success",
    "created_at",
)


def _filtered(
    queryset, action=None, actor_id=None, actor_email=None, since=None, until=None
):
    if action is not None:
        queryset = queryset.filter(action=action)
    if actor_id is not None:
        queryset = queryset.filter(actor_id=actor_id)
    if actor_email is not None:
        queryset = queryset.filter(actor_email__iexact=actor_email)
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    if until is not None:
        queryset = queryset.filter(created_at__lt=until)
    return queryset.order_by(*_NEWEST_FIRST)


def events_by_actor(user_id, **filters):
    """Events the user performed (their own audit log)."""
    return _filtered(AuditEvent.objects.filter(actor_id=user_id), **filters)


def events_of_organization(organization_id, **filters):
    """Events recorded against one organization, and no other."""
    return _filtered(
        AuditEvent.objects.filter(organization_id=organization_id), **filters
    )


def event_rows(queryset):
    """`queryset` as plain rows of `EVENT_VALUES`, for `event_payload`.

    Building a model instance per event was most of a large log's page cost;
    rows skip it.
    """
    return queryset.values(*EVENT_VALUES)
