"""Admin for linked identities: viewable and removable, never edited by hand."""

from django.contrib import admin

from federation.models import FederatedIdentity


@admin.register(FederatedIdentity)
class FederatedIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "email", "created_at", "last_used_at"]
    list_filter = ["provider"]
    search_fields = ["user__email", "email"]
    readonly_fields = [
        "id",
        "user",
        "provider",
        "subject",
        "email",
        "created_at",
        "last_used_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
