"""Admin: staff can inspect SAML set-ups and verify a domain by hand."""

from django.contrib import admin, messages

from authy.api.errors import Conflict
from saml_sso.models import SamlConfig, SamlDomain
from saml_sso.services import mark_verified


class SamlDomainInline(admin.TabularInline):
    model = SamlDomain
    extra = 0
    fields = ["domain", "verified_at", "verified_by", "verification_token"]
    readonly_fields = ["verified_at", "verified_by", "verification_token"]


@admin.register(SamlConfig)
class SamlConfigAdmin(admin.ModelAdmin):
    list_display = ["organization", "idp_entity_id", "enforce", "allow_idp_initiated"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__slug", "idp_entity_id"]
    readonly_fields = ["idp_entity_id", "created_at", "updated_at"]
    inlines = [SamlDomainInline]


@admin.register(SamlDomain)
class SamlDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "config", "verified_at", "verified_by"]
    list_select_related = ["config__organization", "verified_by"]
    search_fields = ["domain", "config__organization__slug"]
    readonly_fields = ["verified_at", "verified_by", "verification_token"]
    actions = ["verify_domains"]

    @admin.action(description="Mark the selected domains verified")
    def verify_domains(self, request, queryset):
        for claimed in queryset.select_related("config"):
            try:
                mark_verified(claimed, request.user, method="admin")
            except Conflict as exc:
                self.message_user(
                    request, f"{claimed.domain}: {exc.message}", messages.ERROR
                )
