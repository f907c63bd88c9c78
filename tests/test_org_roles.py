"""The role table of api.md, walked role by role and action by action."""

import uuid

import pytest

from organizations.models import Role
from tests.org_factories import add_member, make_org

pytestmark = pytest.mark.django_db

GUEST, MEMBER, ADMIN, OWNER = Role.GUEST, Role.MEMBER, Role.ADMIN, Role.OWNER
ADMINS = {ADMIN, OWNER}
EVERYONE = {GUEST, MEMBER, ADMIN, OWNER}


def _add(role):
    return {"email": "{outsider}", "role": role}


def _to(role):
    return {"role": role}


# action: (method, path under the organization, body, roles allowed, success status)
ACTIONS = {
    "view": ("get", "", None, EVERYONE, 200),
    "list_members": ("get", "/members", None, {MEMBER, ADMIN, OWNER}, 200),
    "update": ("patch", "", {"name": "Renamed"}, ADMINS, 200),
    "delete": ("delete", "", None, {OWNER}, 200),
    "add_guest": ("post", "/members", _add(GUEST), ADMINS, 201),
    "add_member": ("post", "/members", _add(MEMBER), ADMINS, 201),
    "add_admin": ("post", "/members", _add(ADMIN), ADMINS, 201),
    "add_owner": ("post", "/members", _add(OWNER), {OWNER}, 201),
    "remove_guest": ("delete", "/members/{guest}", None, ADMINS, 200),
    "remove_member": ("delete", "/members/{member}", None, ADMINS, 200),
    "remove_admin": ("delete", "/members/{admin}", None, ADMINS, 200),
    "remove_owner": ("delete", "/members/{owner}", None, {OWNER}, 200),
    "guest_to_member": ("patch", "/members/{guest}/role", _to(MEMBER), ADMINS, 200),
    "member_to_admin": ("patch", "/members/{member}/role", _to(ADMIN), ADMINS, 200),
    "admin_to_guest": ("patch", "/members/{admin}/role", _to(GUEST), ADMINS, 200),
    "promote_to_owner": ("patch", "/members/{member}/role", _to(OWNER), {OWNER}, 200),
    "demote_owner": ("patch", "/members/{owner}/role", _to(ADMIN), {OWNER}, 200),
    "leave": ("delete", "/members/{self}", None, EVERYONE, 200),
}  # fmt: skip


@pytest.fixture
def world(user_factory):
    """An organization with two of each role besides the caller, and an outsider."""
    founder = user_factory()
    organization = make_org(founder)
    people = {"owner": founder}
    for role in (ADMIN, MEMBER, GUEST):
        people[role] = user_factory()
        add_member(organization, people[role], role)
    people["outsider"] = user_factory()
    return organization, people


def _request(client, organization_id, people, caller, action):
    method, suffix, body, _, _ = ACTIONS[action]
    ids = {name: person.pk for name, person in people.items()}
    path = f"/api/v1/organizations/{organization_id}" + suffix.format(
        **ids, self=caller.pk
    )
    if body is not None:
        body = {
            key: value.format(outsider=people["outsider"].email)
            for key, value in body.items()
        }
        return getattr(client, method)(path, body, format="json")
    return getattr(client, method)(path)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", [GUEST, MEMBER, ADMIN, OWNER])
def test_each_role_may_do_exactly_what_the_table_says(
    world, user_factory, client_for, role, action
):
    # given
    organization, people = world
    caller = user_factory()
    add_member(organization, caller, role)
    _, _, _, allowed, success = ACTIONS[action]

    # when
    response = _request(client_for(caller), organization.pk, people, caller, action)

    # then
    expected = success if role in allowed else 403
    assert response.status_code == expected, response.json()
    if expected == 403:
        assert response.json()["error"]["type"] == "AUTHORIZATION_ERROR"


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("organization_id", ["existing", "random-uuid", "not-a-uuid"])
def test_a_non_member_gets_404_for_every_action(
    world, user_factory, client_for, action, organization_id
):
    # given
    organization, people = world
    stranger = user_factory()
    make_org(stranger, name="Elsewhere")
    target_id = {
        "existing": organization.pk,
        "random-uuid": uuid.uuid4(),
        "not-a-uuid": "not-a-uuid",
    }[organization_id]

    # when
    response = _request(client_for(stranger), target_id, people, stranger, action)

    # then
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "NOT_FOUND"
    assert response.json()["message"] == "Organization not found."


def test_a_removed_member_loses_access_at_once(world, client_for):
    # given
    organization, people = world
    member_client = client_for(people[MEMBER])
    assert (
        member_client.get(f"/api/v1/organizations/{organization.pk}").status_code == 200
    )
    owner_client = client_for(people["owner"])
    owner_client.delete(
        f"/api/v1/organizations/{organization.pk}/members/{people[MEMBER].pk}"
    )

    # when
    response = member_client.get(f"/api/v1/organizations/{organization.pk}")

    # then
    assert response.status_code == 404
