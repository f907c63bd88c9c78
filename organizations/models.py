"""`Organization` and `Membership`: who belongs where, with which role."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$"
slug_validator = RegexValidator(
    SLUG_PATTERN,
    "Use 1 to 50 lower-case letters, digits and hyphens, starting and ending with "
    "a letter or digit.",
)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    GUEST = "guest", "Guest"


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=50, unique=True, validators=[slug_validator])
    description = models.TextField(blank=True)
    logo_url = models.URLField(max_length=2048, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self._slug_changed():
            raise ValidationError({"slug": "The slug cannot change after creation."})
        super().save(*args, **kwargs)
        self._loaded_slug = self.slug

    def clean(self):
        super().clean()
        if self._slug_changed():
            raise ValidationError({"slug": "The slug cannot change after creation."})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remembered so that a later save can refuse a changed slug: clients and
        # links identify organizations by it, so it is fixed at creation.
        instance._loaded_slug = instance.__dict__.get("slug")
        return instance

    def _slug_changed(self):
        loaded = getattr(self, "_loaded_slug", None)
        return loaded is not None and loaded != self.slug


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_unique_user"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "role"]),
            # The members list's order: a page is read straight from this index
            # instead of sorting every membership of the organization.
            models.Index(
                fields=["organization", "joined_at", "id"],
                name="membership_org_joined_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} is {self.role} of {self.organization_id}"
