"""Builders for organization tests: an organization with members in given roles."""

import uuid

from organizations.models import Membership, Organization, Role


def make_org(owner, name="Acme", slug=None):
    """Create an organization with `owner` as its owner, bypassing the API."""
    organization = Organization.objects.create(
        name=name, slug=slug or f"org-{uuid.uuid4().hex[:12]}"
    )
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    return organization


def add_member(organization, user, role=Role.MEMBER, invited_by=None):
    return Membership.objects.create(
        organization=organization, user=user, role=role, invited_by=invited_by
    )


def role_of(organization, user):
    return (
        Membership.objects.filter(organization=organization, user=user)
        .values_list("role", flat=True)
        .first()
    )
