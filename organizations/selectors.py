"""Read helpers: the caller's organizations, one organization, its members."""

from django.db.models import Q

from organizations.models import Membership
from organizations.permissions import OrgAction, require


def organizations_of(user):
    """Return `[{id, name, slug, role}]` for `user`, by name, in one query."""
    rows = (
        Membership.objects.filter(user=user)
        .order_by("organization__name", "organization__id")
        .values("organization_id", "organization__name", "organization__slug", "role")
    )
    return [
        {
            "id": str(row["organization_id"]),
            "name": row["organization__name"],
            "slug": row["organization__slug"],
            "role": row["role"],
        }
        for row in rows
    ]


def organizations_with_role(user):
    """Return `user`'s organizations, by name, each with `caller_role` set."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization__id")
    )
    organizations = []
    for membership in memberships:
        membership.organization.caller_role = membership.role
        organizations.append(membership.organization)
    return organizations


def organization_for(organization_id, user):
    """Return (organization with `caller_role`, member count) for a member, or 404."""
    membership = require(organization_id, user, OrgAction.VIEW)
    organization = membership.organization
    organization.caller_role = membership.role
    return organization, Membership.objects.filter(organization=organization).count()


MEMBER_VALUES = (
    "id",
    "role",
    "joined_at",
    "invited_by_id",
    "user__id",
    "user__email",
    "user__full_name",
    "user__avatar_url",
)


def member_rows(organization, *, role=None, search=None):
    """`members_of` as plain rows of `MEMBER_VALUES`, for `member_payload`.

    Building model instances was most of a members page's cost; rows skip it.
    Count `members_of` rather than these rows: the user columns join the user
    table, which a count does not need and the database does not drop.
    """
    return members_of(organization, role=role, search=search).values(*MEMBER_VALUES)


def members_of(organization, *, role=None, search=None):
    """Return the organization's memberships with their users, oldest first.

    `search` is a case-insensitive substring of the email or the full name. The
    order ends on the primary key so that pages never overlap or skip a member.
    """
    members = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("joined_at", "id")
    )
    if role:
        members = members.filter(role=role)
    if search:
        members = members.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    return members
