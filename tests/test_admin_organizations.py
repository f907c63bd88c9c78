"""Organizations in the admin: memberships inline, slug fixed, every change audited."""

from audit.actions import AuditAction
from audit.models import AuditEvent
from organizations.models import Membership, Organization, Role
from organizations.selectors import organizations_of

CHANGELIST = "/admin/authy_organizations/organization/"


def inline_data(rows, initial=0):
    data = {
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{index}-{key}"] = value
    return data


def actions_recorded():
    return sorted(AuditEvent.objects.values_list("action", flat=True))


def test_creating_an_organization_with_an_owner_is_audited(staff_client, staff, user):
    # when
    response = staff_client.post(
        f"{CHANGELIST}add/",
        {
            "name": "Globex",
            "slug": "globex",
            "description": "",
            "logo_url": "",
            "is_active": "on",
            **inline_data([{"user": str(user.pk), "role": Role.OWNER}]),
        },
    )

    # then
    assert response.status_code == 302
    organization = Organization.objects.get(slug="globex")
    assert organization.created_by == staff
    assert organizations_of(user)[0]["role"] == Role.OWNER
    assert actions_recorded() == [AuditAction.ORG_CREATED, AuditAction.MEMBER_ADDED]
    added = AuditEvent.objects.get(action=AuditAction.MEMBER_ADDED)
    assert added.actor_id == staff.pk
    assert added.organization_id == organization.pk
    assert added.target_id == str(user.pk)
    assert added.metadata == {"role": "owner", "via": "admin"}


def test_role_change_and_removal_are_audited(staff_client, user, user_factory):
    # given
    other = user_factory()
    organization = Organization.objects.create(name="Globex", slug="globex")
    kept = Membership.objects.create(
        organization=organization, user=user, role=Role.MEMBER
    )
    removed = Membership.objects.create(
        organization=organization, user=other, role=Role.GUEST
    )
    common = {"organization": str(organization.pk)}

    # when
    response = staff_client.post(
        f"{CHANGELIST}{organization.pk}/change/",
        {
            "name": "Globex",
            "description": "",
            "logo_url": "",
            "is_active": "on",
            **inline_data(
                [
                    {"id": str(kept.pk), "user": str(user.pk), "role": Role.ADMIN}
                    | common,
                    {
                        "id": str(removed.pk),
                        "user": str(other.pk),
                        "role": Role.GUEST,
                        "DELETE": "on",
                    }
                    | common,
                ],
                initial=2,
            ),
        },
    )

    # then
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.role == Role.ADMIN
    assert not Membership.objects.filter(pk=removed.pk).exists()
    assert actions_recorded() == [
        AuditAction.MEMBER_REMOVED,
        AuditAction.MEMBER_ROLE_CHANGED,
    ]
    changed = AuditEvent.objects.get(action=AuditAction.MEMBER_ROLE_CHANGED)
    assert changed.metadata == {"from": "member", "to": "admin", "via": "admin"}


def test_slug_cannot_be_changed_after_creation(staff_client):
    # given
    organization = Organization.objects.create(name="Globex", slug="globex")

    # when
    page = staff_client.get(f"{CHANGELIST}{organization.pk}/change/")
    staff_client.post(
        f"{CHANGELIST}{organization.pk}/change/",
        {"name": "Globex 2", "slug": "hijacked", "is_active": "on", **inline_data([])},
    )

    # then
    organization.refresh_from_db()
    assert b'name="slug"' not in page.content
    assert organization.slug == "globex"
    assert organization.name == "Globex 2"
    updated = AuditEvent.objects.get(action=AuditAction.ORG_UPDATED)
    assert updated.metadata == {"fields": ["name"], "via": "admin"}


def test_an_invalid_slug_is_refused(staff_client):
    response = staff_client.post(
        f"{CHANGELIST}add/",
        {"name": "Bad", "slug": "Not A Slug", "is_active": "on", **inline_data([])},
    )

    assert response.status_code == 200
    assert not Organization.objects.exists()


def test_deleting_an_organization_is_audited(staff_client, staff):
    # given
    organization = Organization.objects.create(name="Globex", slug="globex")

    # when
    response = staff_client.post(
        f"{CHANGELIST}{organization.pk}/delete/", {"post": "yes"}
    )

    # then
    assert response.status_code == 302
    assert not Organization.objects.exists()
    deleted = AuditEvent.objects.get(action=AuditAction.ORG_DELETED)
    assert deleted.organization_id == organization.pk
    assert deleted.actor_id == staff.pk


def test_search_by_name_and_slug(staff_client):
    # given
    Organization.objects.create(name="Globex Corporation", slug="gx")
    Organization.objects.create(name="Initech", slug="initech-llc")

    # when
    by_name = staff_client.get(CHANGELIST, {"q": "globex"})
    by_slug = staff_client.get(CHANGELIST, {"q": "initech-llc"})

    # then
    assert b"Globex Corporation" in by_name.content
    assert b"Initech" not in by_name.content
    assert b"Initech" in by_slug.content
