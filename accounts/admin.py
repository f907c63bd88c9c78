"""The user admin: email login, status actions, and audited changes."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from accounts import staff
from accounts.emails import normalize_email
from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import record
from authy.api.context import get_request_context
from authy.api.errors import Conflict


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(auth_forms.UserChangeForm):
    avatar_url = forms.URLField(max_length=2048, required=False, assume_scheme="https")

    class Meta:
        model = User
        fields = "__all__"


class AdminLoginForm(AdminAuthenticationForm):
    """The admin login form; a locked account fails like a wrong password."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.locked_until and user.locked_until > timezone.now():
            raise self.get_invalid_login_error()


def record_admin_login(request, succeeded):
    """Audit one submitted admin login, like the API's (normalised email only)."""
    if succeeded:
        record(
            AuditAction.LOGIN_SUCCEEDED, actor=request.user, metadata={"via": "admin"}
        )
        return
    # A refused password was already counted and audited by the backend, which
    # shares the API login's rules; only refusals after it (not staff) remain.
    already = AuditEvent.objects.filter(
        request_id=get_request_context().request_id, action=AuditAction.LOGIN_FAILED
    ).exists()
    if already:
        return
    email = normalize_email(request.POST.get("username", ""))[:254]
    record(
        AuditAction.LOGIN_FAILED,
        actor=User.objects.filter(email=email).first() if email else None,
        actor_email=email,
        metadata={"via": "admin"},
        success=False,
    )


def report(modeladmin, request, done, total, verb):
    """Tell the staff user how many of the selected accounts the action changed."""
    unchanged = total - done
    message = f"{done} account{'s' if done != 1 else ''} {verb}."
    if unchanged:
        message += f" {unchanged} needed no change."
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = auth_forms.AdminPasswordChangeForm
    list_display = (
        "email",
        "full_name",
        "status",
        "is_staff",
        "email_verified",
        "last_login_at",
        "created_at",
    )
    list_filter = ("status", "is_staff", "is_superuser", "email_verified")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = (
        "failed_login_count",
        "locked_until",
        "lockout_level",
        "last_login_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "avatar_url", "email_verified")}),
        (
            "Status and lockout",
            {
                "fields": (
                    "status",
                    "failed_login_count",
                    "locked_until",
                    "lockout_level",
                )
            },
        ),
        (
            "Permissions",
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login_at", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["suspend", "reactivate", "unlock"]

    def get_actions(self, request):
        # Bulk deletion would skip the per-account checks and audit of delete_model.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Suspend selected accounts", permissions=["change"])
    def suspend(self, request, queryset):
        done = sum(staff.suspend(user, actor=request.user) for user in queryset)
        report(self, request, done, len(queryset), "suspended")

    @admin.action(description="Reactivate selected accounts", permissions=["change"])
    def reactivate(self, request, queryset):
        done = sum(staff.reactivate(user, actor=request.user) for user in queryset)
        report(self, request, done, len(queryset), "reactivated")

    @admin.action(description="Unlock selected accounts", permissions=["change"])
    def unlock(self, request, queryset):
        done = sum(staff.unlock(user, actor=request.user) for user in queryset)
        report(self, request, done, len(queryset), "unlocked")

    def save_model(self, request, obj, form, change):
        """Save through the form and audit what changed, in the admin's transaction."""
        previous = {name: form.initial.get(name) for name in staff.ACCESS_FIELDS}
        super().save_model(request, obj, form, change)
        if not change:
            staff.record_created(obj, actor=request.user)
        elif form.changed_data:
            staff.record_changes(obj, form.changed_data, previous, actor=request.user)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        """Set the password with Django's form; audit it and end the user's sessions."""
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    staff.record_password_set(user, actor=request.user)
        return response

    # Verbose names of related rows that go with the user without a delete permission
    # of their own: the deletion ends them properly (see `user_deleting`).
    deleted_with_user = frozenset()

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        return deleted, counts, perms_needed - self.deleted_with_user, protected

    def delete_model(self, request, obj):
        staff.delete(obj, actor=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        """Delete unless a receiver refuses (a last owner); then say why."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except Conflict as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            change_url = reverse("admin:authy_accounts_user_change", args=[object_id])
            return HttpResponseRedirect(change_url)
