"""The one permission table every organization view consults.

The table of `api.md` ("Roles inside an organization") is the specification; the
tests walk it role by role. A caller who is not a member gets 404 for everything, so
organizations cannot be discovered by probing ids.
"""

import uuid
from enum import StrEnum

from authy.api.errors import Forbidden, NotFound
from organizations.models import Membership, Role


class OrgAction(StrEnum):
    VIEW = "view"
    LIST_MEMBERS = "list_members"
    UPDATE = "update"
    READ_AUDIT = "read_audit"
    MANAGE_MEMBERS = "manage_members"  # add, remove, re-role guests/members/admins
    MANAGE_OWNERS = "manage_owners"  # add, remove, promote to or demote from owner
    DELETE = "delete"
    CONFIGURE_SSO = "configure_sso"


_GUEST = {OrgAction.VIEW}
_MEMBER = _GUEST | {OrgAction.LIST_MEMBERS}
_ADMIN = _MEMBER | {
    OrgAction.UPDATE,
    OrgAction.READ_AUDIT,
    OrgAction.MANAGE_MEMBERS,
    OrgAction.CONFIGURE_SSO,
}
_OWNER = _ADMIN | {OrgAction.MANAGE_OWNERS, OrgAction.DELETE}

PERMISSIONS = {
    Role.GUEST: frozenset(_GUEST),
    Role.MEMBER: frozenset(_MEMBER),
    Role.ADMIN: frozenset(_ADMIN),
    Role.OWNER: frozenset(_OWNER),
}


def can(role, action):
    return action in PERMISSIONS.get(role, frozenset())


def as_uuid(value):
    """Return `value` as a UUID, or None when it is not one (a 404, not a 400)."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def get_membership(organization_id, user):
    """Return the caller's membership (with its organization) or raise 404."""
    org_uuid = as_uuid(organization_id)
    membership = None
    if org_uuid is not None and user is not None and user.is_authenticated:
        membership = (
            Membership.objects.select_related("organization")
            .filter(organization_id=org_uuid, user=user)
            .first()
        )
    if membership is None:
        raise NotFound("Organization not found.")
    return membership


def require(organization_id, user, action):
    """Return the caller's membership when its role allows `action`.

    Non-members get 404 (whether or not the organization exists); members whose
    role does not allow the action get 403.
    """
    membership = get_membership(organization_id, user)
    if not can(membership.role, action):
        raise Forbidden("Your role in this organization does not allow this.")
    return membership
