"""The caller's own audit log URL (organization logs: `organizations.audit_urls`)."""

from django.urls import path

from audit.views import MyAuditLogView

urlpatterns = [
    path("users/me/audit-logs", MyAuditLogView.as_view(), name="my-audit-logs"),
]
