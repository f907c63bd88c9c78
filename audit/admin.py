"""The audit trail in the admin: searchable, filterable and strictly read-only."""

from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "action",
        "success",
        "actor_email",
        "target_type",
        "target_id",
        "organization_id",
        "ip_address",
        "request_id",
    )
    list_filter = ("action", "success", "organization_id", "created_at")
    search_fields = ("actor_email", "=request_id")
    ordering = ("-created_at", "-id")
    # Counting every row of a large trail on each page view is wasted work.
    show_full_result_count = False
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
