"""SAML settings per organization, claimed domains, pending logins, used assertions."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from organizations.models import Organization


class SamlConfig(models.Model):
    """One organization's identity provider and its sign-on policy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="saml_config"
    )
    idp_entity_id = models.CharField(max_length=1024)
    idp_metadata_xml = models.TextField()
    idp_metadata_url = models.URLField(max_length=2048, blank=True)
    enforce = models.BooleanField(default=False)
    allow_idp_initiated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SAML configuration"

    def __str__(self):
        return f"SAML for {self.organization_id}"


class SamlDomain(models.Model):
    """An email domain an organization claims; it counts only once verified."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    config = models.ForeignKey(
        SamlConfig, on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(max_length=253)
    verification_token = models.CharField(max_length=64)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["config", "domain"], name="saml_domain_unique_per_config"
            ),
            # Many organizations may claim a domain; only one may own it.
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(verified_at__isnull=False),
                name="saml_domain_verified_once",
            ),
        ]

    def __str__(self):
        return self.domain

    @property
    def is_verified(self):
        return self.verified_at is not None


class SamlPendingLogin(models.Model):
    """An AuthnRequest we sent, found again by the hash of its relay state."""

    relay_state_hash = models.CharField(max_length=64, unique=True)
    request_id = models.CharField(max_length=256)
    config = models.ForeignKey(SamlConfig, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.URLField(max_length=2048)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"Pending SAML login {self.request_id}"


class SamlAssertionUse(models.Model):
    """An assertion id already consumed, kept until the assertion expires."""

    issuer = models.CharField(max_length=1024)
    assertion_id = models.CharField(max_length=256)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "assertion_id"], name="saml_assertion_used_once"
            ),
        ]

    def __str__(self):
        return f"Used assertion {self.assertion_id}"
