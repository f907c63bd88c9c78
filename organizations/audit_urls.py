"""The organization audit log URL under /api/v1/organizations/."""

from django.urls import path

from organizations.audit_views import OrganizationAuditLogView

urlpatterns = [
    path(
        "organizations/<uuid:organization_id>/audit-logs",
        OrganizationAuditLogView.as_view(),
        name="organization-audit-logs",
    ),
]
