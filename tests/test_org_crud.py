"""Creating, reading, updating and deleting organizations, and the caller's list."""

import pytest
import yaml

from audit.models import AuditEvent
from organizations.models import Membership, Organization, Role
from tests.org_factories import add_member, make_org

pytestmark = pytest.mark.django_db

ORG_FIELDS = {
    "id",
    "name",
    "slug",
    "description",
    "logo_url",
    "is_active",
    "role",
    "created_at",
    "updated_at",
}


def _create(client, **body):
    return client.post("/api/v1/organizations", body, format="json")


def test_creating_an_organization_makes_the_caller_its_owner(auth_client, user):
    # when
    response = _create(
        auth_client,
        name="Acme Corp",
        description="Anvils",
        logo_url="https://example.com/logo.png",
    )

    # then
    assert response.status_code == 201
    organization = response.json()["data"]["organization"]
    assert set(organization) == ORG_FIELDS
    assert organization["slug"] == "acme-corp"
    assert organization["role"] == "owner"
    assert organization["is_active"] is True
    assert organization["created_at"].endswith("Z")
    membership = Membership.objects.get(organization_id=organization["id"])
    assert (membership.user, membership.role) == (user, Role.OWNER)
    event = AuditEvent.objects.get(action="org.created")
    assert str(event.organization_id) == organization["id"]
    assert event.actor_id == user.pk


def test_a_generated_slug_gets_a_numeric_suffix_when_taken(auth_client):
    # given
    _create(auth_client, name="Acme")
    _create(auth_client, name="ACME!")

    # when
    response = _create(auth_client, name="acme")

    # then
    assert response.status_code == 201
    assert response.json()["data"]["organization"]["slug"] == "acme-3"


def test_a_long_name_gives_a_slug_that_still_fits_with_its_suffix(auth_client):
    # given
    name = "A" * 49 + " b"
    _create(auth_client, name=name)

    # when
    response = _create(auth_client, name=name)

    # then
    slug = response.json()["data"]["organization"]["slug"]
    assert len(slug) <= 50
    assert slug.endswith("-2")
    assert not slug.startswith("-")


def test_a_name_without_slug_characters_still_gets_a_slug(auth_client):
    response = _create(auth_client, name="¡¡¡")

    assert response.status_code == 201
    assert response.json()["data"]["organization"]["slug"] == "org"


def test_a_given_slug_is_kept(auth_client):
    response = _create(auth_client, name="Acme", slug="acme-hq")

    assert response.json()["data"]["organization"]["slug"] == "acme-hq"


def test_a_duplicate_given_slug_is_409(auth_client):
    # given
    _create(auth_client, name="Acme", slug="acme")

    # when
    response = _create(auth_client, name="Other", slug="acme")

    # then
    assert response.status_code == 409
    assert response.json()["error"]["type"] == "CONFLICT"
    assert list(response.json()["error"]["details"]) == ["slug"]
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    "slug", ["Acme", "-acme", "acme-", "ac_me", "a" * 51, "", "acme corp", None]
)
def test_a_bad_slug_is_a_validation_error_on_slug(auth_client, slug):
    response = _create(auth_client, name="Acme", slug=slug)

    assert response.status_code == 400
    assert response.json()["error"]["type"] == "VALIDATION_ERROR"
    assert list(response.json()["error"]["details"]) == ["slug"]
    assert Organization.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "A", "logo_url": "javascript:alert(1)"}, "logo_url"),
        ({"name": "A", "logo_url": "ftp://example.com/x.png"}, "logo_url"),
        ({"name": "A", "role": "owner"}, "role"),
        ({"name": "A", "is_active": False}, "is_active"),
        ({"name": "A", "id": "5"}, "id"),
    ],
)
def test_bad_or_unknown_create_fields_are_named(auth_client, body, field):
    response = auth_client.post("/api/v1/organizations", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == [field]


def test_creating_requires_authentication(api_client):
    response = _create(api_client, name="Acme")

    assert response.status_code == 401


def test_get_returns_the_organization_with_role_and_member_count(
    user, user_factory, client_for
):
    # given
    organization = make_org(user)
    guest = user_factory()
    add_member(organization, guest, Role.GUEST)
    add_member(organization, user_factory(), Role.MEMBER)

    # when
    response = client_for(guest).get(f"/api/v1/organizations/{organization.pk}")

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["member_count"] == 3
    assert data["organization"]["id"] == str(organization.pk)
    assert data["organization"]["role"] == "guest"
    assert set(data["organization"]) == ORG_FIELDS


def test_patch_changes_name_description_and_logo(auth_client, user):
    # given
    organization = make_org(user, name="Acme")

    # when
    response = auth_client.patch(
        f"/api/v1/organizations/{organization.pk}",
        {"name": "Acme 2", "description": "New", "logo_url": ""},
        format="json",
    )

    # then
    assert response.status_code == 200
    data = response.json()["data"]["organization"]
    assert (data["name"], data["description"], data["role"]) == (
        "Acme 2",
        "New",
        "owner",
    )
    event = AuditEvent.objects.get(action="org.updated")
    assert event.metadata == {"fields": ["description", "name"]}
    assert event.organization_id == organization.pk


def test_patch_without_a_change_records_nothing(auth_client, user):
    # given
    organization = make_org(user, name="Acme")

    # when
    response = auth_client.patch(
        f"/api/v1/organizations/{organization.pk}", {"name": "Acme"}, format="json"
    )

    # then
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="org.updated").exists()


@pytest.mark.parametrize(
    "field", ["slug", "is_active", "id", "role", "created_at", "member_count"]
)
def test_patch_refuses_any_other_field_by_name(auth_client, user, field):
    # given
    organization = make_org(user, slug="acme")

    # when
    response = auth_client.patch(
        f"/api/v1/organizations/{organization.pk}",
        {"name": "Changed", field: "x"},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "VALIDATION_ERROR"
    assert list(response.json()["error"]["details"]) == [field]
    organization.refresh_from_db()
    assert (organization.name, organization.slug) == ("Acme", "acme")


def test_the_slug_cannot_change_even_outside_the_api(user):
    # given
    organization = make_org(user, slug="acme")
    organization = Organization.objects.get(pk=organization.pk)

    # when
    organization.slug = "other"

    # then
    with pytest.raises(Exception, match="cannot change"):
        organization.save()


def test_deleting_removes_memberships_and_keeps_audit_events(
    auth_client, user, user_factory
):
    # given
    organization = make_org(user)
    add_member(organization, user_factory())
    auth_client.patch(
        f"/api/v1/organizations/{organization.pk}", {"name": "X"}, format="json"
    )

    # when
    response = auth_client.delete(f"/api/v1/organizations/{organization.pk}")

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {}
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert not Membership.objects.filter(organization_id=organization.pk).exists()
    actions = set(
        AuditEvent.objects.filter(organization_id=organization.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == {"org.updated", "org.deleted"}
    assert auth_client.get(f"/api/v1/organizations/{organization.pk}").status_code == (
        404
    )


def test_my_organizations_lists_each_with_my_role_by_name(
    auth_client, user, user_factory
):
    # given
    someone = user_factory()
    zeta = make_org(user, name="Zeta")
    alpha = make_org(someone, name="Alpha")
    add_member(alpha, user, Role.GUEST)
    make_org(someone, name="Not mine")

    # when
    response = auth_client.get("/api/v1/users/me/organizations")

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["count"] == 2
    assert [(o["id"], o["role"]) for o in data["organizations"]] == [
        (str(alpha.pk), "guest"),
        (str(zeta.pk), "owner"),
    ]
    assert set(data["organizations"][0]) == ORG_FIELDS


def test_my_organizations_is_empty_for_a_new_user(auth_client):
    response = auth_client.get("/api/v1/users/me/organizations")

    assert response.json()["data"] == {"organizations": [], "count": 0}


def test_each_organization_write_records_exactly_one_event(auth_client):
    # given
    before = AuditEvent.objects.count()

    # when
    response = _create(auth_client, name="Acme")

    # then
    assert response.status_code == 201
    assert AuditEvent.objects.count() == before + 1


def test_the_schema_documents_organization_ids_and_the_member_shape(client):
    # when
    schema = yaml.safe_load(client.get("/api/schema/").content)

    # then
    operation = schema["paths"]["/api/v1/organizations/{organization_id}"]["get"]
    parameter = operation["parameters"][0]
    assert (parameter["name"], parameter["schema"]["format"]) == (
        "organization_id",
        "uuid",
    )
    member = schema["components"]["schemas"]["Member"]["properties"]
    assert member["invited_by"]["nullable"] is True
    assert member["invited_by"]["format"] == "uuid"
    assert "/api/v1/users/me/organizations" in schema["paths"]
