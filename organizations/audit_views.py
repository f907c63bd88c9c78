"""`GET /api/v1/organizations/{id}/audit-logs`: an organization's audit log."""

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from audit.selectors import events_of_organization
from audit.views import (
    ACTOR_PARAMETER,
    FILTER_PARAMETERS,
    PAGE_PARAMETERS,
    AuditEventList,
    audit_log_response,
)
from organizations.permissions import OrgAction, require


class OrganizationAuditLogView(APIView):
    """Admins and owners read what happened in their organization."""

    @extend_schema(
        parameters=PAGE_PARAMETERS + FILTER_PARAMETERS + [ACTOR_PARAMETER],
        responses=AuditEventList,
        tags=["audit"],
        description=(
            "Events recorded against the organization, newest first. Admins and "
            "owners only: other members get 403, non-members 404."
        ),
    )
    def get(self, request, organization_id):
        # Membership first: a non-member learns nothing, not even a bad filter.
        require(organization_id, request.user, OrgAction.READ_AUDIT)
        return audit_log_response(
            request,
            lambda **filters: events_of_organization(organization_id, **filters),
            ["action", "actor", "since", "until"],
        )
