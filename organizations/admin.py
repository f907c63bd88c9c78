"""The organization admin, with memberships inline; every change is audited."""

from django.contrib import admin
from django.db import models
from django.db.models import Count

from organizations import staff
from organizations.models import Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "invited_by", "joined_at")
    readonly_fields = ("invited_by", "joined_at")
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "member_count", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    ordering = ("name",)
    readonly_fields = ("created_by", "created_at", "updated_at")
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_member_count=Count("memberships"))
        )

    @admin.display(description="members", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count

    def get_readonly_fields(self, request, obj=None):
        # Front ends and SAML settings refer to organizations by slug.
        if obj is not None:
            return ("slug", *self.readonly_fields)
        return self.readonly_fields

    def get_actions(self, request):
        # Bulk deletion would skip the audit written by delete_model.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            staff.record_organization_saved(
                obj, form.changed_data, created=not change, actor=request.user
            )

    def delete_model(self, request, obj):
        staff.record_organization_deleted(obj, actor=request.user)
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        previous_roles = {
            inline.instance.pk: inline.initial.get("role")
            for inline in formset.initial_forms
        }
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            staff.record_member_removed(membership, actor=request.user)
            membership.delete()
        for membership in memberships:
            if membership._state.adding:
                membership.invited_by = request.user
                membership.save()
                staff.record_member_added(membership, actor=request.user)
                continue
            membership.save()
            previous = previous_roles.get(membership.pk)
            if previous != membership.role:
                staff.record_role_changed(membership, previous, actor=request.user)
        formset.save_m2m()
