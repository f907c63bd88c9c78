"""`GET /api/v1/users/me/audit-logs`, and the list response both audit logs share."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework.views import APIView

from audit.actions import AuditAction
from audit.selectors import event_rows, events_by_actor
from audit.serializers import (
    ACTOR_HELP,
    AuditEventSerializer,
    AuditFilterSerializer,
    event_payload,
)
from authy.api.fields import reject_unknown_fields
from authy.api.pagination import paginate
from authy.api.responses import ApiResponse

AuditEventList = inline_serializer(
    "AuditEventList", {"events": AuditEventSerializer(many=True)}
)


def _query(name, kind, description, enum=None):
    return OpenApiParameter(
        name, kind, OpenApiParameter.QUERY, description=description, enum=enum
    )


PAGE_PARAMETERS = [
    _query("page", OpenApiTypes.INT, "Page number, from 1."),
    _query("per_page", OpenApiTypes.INT, "Events per page: 1 to 100, default 50."),
]
FILTER_PARAMETERS = [
    _query(
        "action",
        OpenApiTypes.STR,
        "Only events of this action (exact; one of the catalogue's actions).",
        enum=AuditAction.values,
    ),
    _query(
        "since",
        OpenApiTypes.DATETIME,
        "Only events at or after this ISO 8601 time (inclusive).",
    ),
    _query(
        "until",
        OpenApiTypes.DATETIME,
        "Only events before this ISO 8601 time (exclusive); must be after `since`.",
    ),
]
ACTOR_PARAMETER = _query("actor", OpenApiTypes.STR, ACTOR_HELP)


def audit_log_response(request, selector, filter_names):
    """Validate the filters in `filter_names`, then answer one page of `selector`."""
    reject_unknown_fields(request.query_params, ["page", "per_page", *filter_names])
    # An empty parameter is what a cleared form field sends: no filter.
    raw = {
        name: request.query_params[name]
        for name in filter_names
        if request.query_params.get(name, "") != ""
    }
    filters = AuditFilterSerializer(data=raw)
    filters.is_valid(raise_exception=True)
    events, meta = paginate(
        event_rows(selector(**filters.validated_data)), request.query_params
    )
    return ApiResponse(
        {"events": [event_payload(row) for row in events]},
        message="Audit events retrieved",
        meta=meta,
    )


class MyAuditLogView(APIView):
    """The caller's own acts: logins, failed logins, password and profile changes."""

    @extend_schema(
        parameters=PAGE_PARAMETERS + FILTER_PARAMETERS,
        responses=AuditEventList,
        tags=["audit"],
        description="Events whose actor is the caller, newest first.",
    )
    def get(self, request):
        return audit_log_response(
            request,
            lambda **filters: events_by_actor(request.user.pk, **filters),
            ["action", "since", "until"],
        )
