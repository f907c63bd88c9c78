"""Read helpers other apps use to list a user's organizations."""

from organizations.models import Membership


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
