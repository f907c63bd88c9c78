"""The session admin (list, filter, revoke; no add or edit) and "end all sessions"."""

from django.contrib import admin, messages
from django.utils import timezone

from accounts.admin import UserAdmin, report
from accounts.models import User
from sessions_api import staff
from sessions_api.models import Session


class SessionStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "auth_method",
        "created_at",
        "expires_at",
        "last_activity_at",
        "revoked_at",
        "is_active",
        "ip_address",
    )
    list_filter = (SessionStateFilter, "auth_method", "revoked_reason")
    list_select_related = ("user",)
    search_fields = ("user__email", "=ip_address")
    ordering = ("-created_at",)
    # The token hash stays out of the page: it is no secret, but nobody needs it.
    fields = (
        "id",
        "user",
        "auth_method",
        "created_at",
        "expires_at",
        "last_activity_at",
        "ip_address",
        "user_agent",
        "revoked_at",
        "revoked_reason",
    )
    actions = ["revoke"]

    @admin.display(boolean=True, description="active")
    def is_active(self, obj):
        return obj.is_active

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a row would skip the cache eviction that revocation performs.
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("authy_sessions.change_session")

    @admin.action(description="Revoke selected sessions", permissions=["revoke"])
    def revoke(self, request, queryset):
        pending = queryset.filter(revoked_at__isnull=True)
        done = sum(staff.revoke(session, actor=request.user) for session in pending)
        total = len(queryset)
        message = f"{done} session{'s' if done != 1 else ''} revoked."
        if total - done:
            message += f" {total - done} had already ended."
        self.message_user(request, message, messages.SUCCESS)


class UserWithSessionsAdmin(UserAdmin):
    """The accounts user admin plus the session action only this app can perform."""

    actions = [*UserAdmin.actions, "end_sessions"]
    # Sessions are revoked (and evicted from the cache) before their user is deleted.
    deleted_with_user = frozenset({Session._meta.verbose_name})

    @admin.action(
        description="End all sessions of selected accounts", permissions=["change"]
    )
    def end_sessions(self, request, queryset):
        done = sum(
            bool(staff.end_sessions(user, actor=request.user)) for user in queryset
        )
        report(self, request, done, len(queryset), "signed out everywhere")


# accounts sits below sessions_api, so its admin cannot offer this action itself.
admin.site.unregister(User)
admin.site.register(User, UserWithSessionsAdmin)
