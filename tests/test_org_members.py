"""Listing, adding, removing and re-roling members of an organization."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User, UserStatus
from audit.models import AuditEvent
from organizations.models import Membership, Role
from tests.org_factories import add_member, make_org, role_of

pytestmark = pytest.mark.django_db

MEMBER_FIELDS = {"id", "user", "role", "joined_at", "invited_by"}


def _members_url(organization, *rest):
    return "/".join([f"/api/v1/organizations/{organization.pk}/members", *rest])


@pytest.fixture
def org(user):
    return make_org(user)


# Listing ---------------------------------------------------------------------------


def test_members_are_listed_with_user_and_role_oldest_first(
    auth_client, user, org, user_factory
):
    # given
    ada = user_factory(full_name="Ada", avatar_url="https://example.com/a.png")
    add_member(org, ada, Role.ADMIN, invited_by=user)

    # when
    response = auth_client.get(_members_url(org))

    # then
    assert response.status_code == 200
    body = response.json()
    members = body["data"]["members"]
    assert body["data"]["count"] == 2
    assert body["meta"] == {"page": 1, "per_page": 50, "total": 2, "total_pages": 1}
    assert [m["user"]["id"] for m in members] == [str(user.pk), str(ada.pk)]
    assert set(members[1]) == MEMBER_FIELDS
    assert members[1]["user"] == {
        "id": str(ada.pk),
        "email": ada.email,
        "full_name": "Ada",
        "avatar_url": "https://example.com/a.png",
    }
    assert members[1]["role"] == "admin"
    assert members[1]["invited_by"] == str(user.pk)
    assert members[0]["invited_by"] is None
    assert members[1]["joined_at"].endswith("Z")


def test_members_can_be_filtered_by_role(auth_client, org, user_factory):
    # given
    guest = user_factory()
    add_member(org, guest, Role.GUEST)
    add_member(org, user_factory(), Role.MEMBER)

    # when
    response = auth_client.get(_members_url(org), {"role": "guest"})

    # then
    members = response.json()["data"]["members"]
    assert [m["user"]["id"] for m in members] == [str(guest.pk)]
    assert response.json()["meta"]["total"] == 1


@pytest.mark.parametrize("term", ["BYRON", "byron", "ADA.L", "usta by"])
def test_search_matches_email_or_name_case_insensitively(
    auth_client, org, user_factory, term
):
    # given
    by_name = user_factory(full_name="Augusta Byron")
    by_email = user_factory(email="ada.l@example.com", full_name="Countess")
    add_member(org, by_name)
    add_member(org, by_email)
    add_member(org, user_factory(full_name="Charles Babbage"))

    # when
    response = auth_client.get(_members_url(org), {"search": term})

    # then
    ids = {m["user"]["id"] for m in response.json()["data"]["members"]}
    expected = {
        "BYRON": {str(by_name.pk)},
        "byron": {str(by_name.pk)},
        "ADA.L": {str(by_email.pk)},
        "usta by": {str(by_name.pk)},
    }[term]
    assert ids == expected
    assert response.json()["meta"]["total"] == len(expected)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "x"}, "page"),
    ],
)
def test_bad_list_parameters_are_validation_errors(auth_client, org, params, field):
    response = auth_client.get(_members_url(org), params)

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == [field]


def _bulk_members(organization, count):
    users = User.objects.bulk_create(
        User(email=f"bulk{i}-{organization.pk.hex[:6]}@example.com", full_name=f"B{i}")
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(organization=organization, user=u, role=Role.MEMBER) for u in users
    )


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"per_page": 100})
    assert response.status_code == 200
    return len(queries), response


def test_listing_runs_the_same_queries_for_10_and_1000_members(
    auth_client, user, django_assert_num_queries
):
    # given
    small, large = make_org(user, name="Small"), make_org(user, name="Large")
    _bulk_members(small, 9)
    _bulk_members(large, 999)
    auth_client.get("/api/v1/users/me/organizations")  # settle the session cache
    expected, _ = _queries_for(auth_client, _members_url(small))

    # when
    with django_assert_num_queries(expected):
        response = auth_client.get(_members_url(large), {"per_page": 100})

    # then
    assert expected <= 6
    assert len(response.json()["data"]["members"]) == 100
    assert response.json()["meta"]["total"] == 1000


def test_the_member_count_reads_memberships_only(auth_client, user):
    # given
    organization = make_org(user, name="Counted")
    _bulk_members(organization, 9)
    auth_client.get("/api/v1/users/me/organizations")  # settle the session cache

    # when
    with CaptureQueriesContext(connection) as queries:
        response = auth_client.get(_members_url(organization))

    # then: the user table is joined for the page's columns, not for the count
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert User._meta.db_table not in counts[0]
    assert response.json()["meta"]["total"] == 10


def test_the_member_order_is_an_index_of_the_organization():
    # The page is read from this index instead of sorting every membership.
    from organizations.selectors import members_of

    order = list(members_of(None).query.order_by)
    indexed = [index.fields for index in Membership._meta.indexes]

    assert ["organization", *order] in indexed


def test_pages_are_bounded_and_do_not_overlap(auth_client, user):
    # given
    organization = make_org(user, name="Big")
    _bulk_members(organization, 249)

    # when
    pages = [
        auth_client.get(_members_url(organization), {"per_page": 100, "page": page})
        for page in (1, 2, 3, 4)
    ]

    # then
    sizes = [len(p.json()["data"]["members"]) for p in pages]
    assert sizes == [100, 100, 50, 0]
    ids = [m["id"] for p in pages for m in p.json()["data"]["members"]]
    assert len(set(ids)) == 250
    assert pages[0].json()["meta"]["total_pages"] == 3


# Adding ----------------------------------------------------------------------------


def test_an_admin_adds_a_member_by_email(user, org, user_factory, client_for):
    # given
    admin = user_factory()
    add_member(org, admin, Role.ADMIN)
    newcomer = user_factory(email="new@example.com")

    # when
    response = client_for(admin).post(
        _members_url(org),
        {"email": " NEW@Example.com ", "role": "member"},
        format="json",
    )

    # then
    assert response.status_code == 201
    member = response.json()["data"]["member"]
    assert member["user"]["id"] == str(newcomer.pk)
    assert member["role"] == "member"
    assert member["invited_by"] == str(admin.pk)
    event = AuditEvent.objects.get(action="org.member.added")
    assert (event.organization_id, event.actor_id) == (org.pk, admin.pk)
    assert event.target_id == str(newcomer.pk)
    assert event.metadata["role"] == "member"


def test_adding_an_unknown_or_inactive_email_is_the_same_404(
    auth_client, org, user_factory
):
    # given
    user_factory(email="gone@example.com", status=UserStatus.SUSPENDED)

    # when
    unknown = auth_client.post(
        _members_url(org),
        {"email": "nobody@example.com", "role": "member"},
        format="json",
    )
    suspended = auth_client.post(
        _members_url(org),
        {"email": "gone@example.com", "role": "member"},
        format="json",
    )

    # then
    assert unknown.status_code == suspended.status_code == 404
    assert unknown.json()["error"] == suspended.json()["error"]
    assert unknown.json()["message"] == suspended.json()["message"]
    assert Membership.objects.filter(organization=org).count() == 1


def test_adding_an_existing_member_is_409(auth_client, org, user_factory):
    # given
    member = user_factory()
    add_member(org, member, Role.GUEST)

    # when
    response = auth_client.post(
        _members_url(org), {"email": member.email, "role": "admin"}, format="json"
    )

    # then
    assert response.status_code == 409
    assert response.json()["error"]["type"] == "CONFLICT"
    assert role_of(org, member) == "guest"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "x@example.com"}, "role"),
        ({"email": "x@example.com", "role": "king"}, "role"),
        ({"role": "member"}, "email"),
        ({"email": "not-an-email", "role": "member"}, "email"),
        ({"email": "x@example.com", "role": "member", "invited_by": "x"}, "invited_by"),
    ],
)
def test_bad_add_bodies_name_the_field(auth_client, org, body, field):
    response = auth_client.post(_members_url(org), body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == [field]


def test_an_admin_cannot_add_an_owner(org, user_factory, client_for):
    # given
    admin = user_factory()
    add_member(org, admin, Role.ADMIN)
    newcomer = user_factory()

    # when
    response = client_for(admin).post(
        _members_url(org), {"email": newcomer.email, "role": "owner"}, format="json"
    )

    # then
    assert response.status_code == 403
    assert role_of(org, newcomer) is None


# Removing --------------------------------------------------------------------------


def test_an_admin_removes_a_member_and_it_is_audited(org, user_factory, client_for):
    # given
    admin, member = user_factory(), user_factory()
    add_member(org, admin, Role.ADMIN)
    add_member(org, member, Role.MEMBER)

    # when
    response = client_for(admin).delete(_members_url(org, str(member.pk)))

    # then
    assert response.status_code == 200
    assert role_of(org, member) is None
    event = AuditEvent.objects.get(action="org.member.removed")
    assert event.organization_id == org.pk
    assert event.target_id == str(member.pk)
    assert event.metadata["role"] == "member"
    assert event.metadata["self"] is False


def test_an_admin_cannot_remove_an_owner(user, org, user_factory, client_for):
    # given
    admin = user_factory()
    add_member(org, admin, Role.ADMIN)

    # when
    response = client_for(admin).delete(_members_url(org, str(user.pk)))

    # then
    assert response.status_code == 403
    assert role_of(org, user) == "owner"


@pytest.mark.parametrize("role", [Role.GUEST, Role.MEMBER, Role.ADMIN])
def test_anyone_may_leave(org, user_factory, client_for, role):
    # given
    person = user_factory()
    add_member(org, person, role)

    # when
    response = client_for(person).delete(_members_url(org, str(person.pk)))

    # then
    assert response.status_code == 200
    assert role_of(org, person) is None
    assert AuditEvent.objects.get(action="org.member.removed").metadata["self"] is True


@pytest.mark.parametrize("target", ["stranger", "random", "not-a-uuid"])
def test_removing_someone_who_is_not_a_member_is_404(
    auth_client, org, user_factory, target
):
    # given
    target_id = {
        "stranger": str(user_factory().pk),
        "random": str(uuid.uuid4()),
        "not-a-uuid": "nope",
    }[target]

    # when
    response = auth_client.delete(_members_url(org, target_id))

    # then
    assert response.status_code == 404
    assert response.json()["message"] == "Member not found."


# Changing roles --------------------------------------------------------------------


def test_an_owner_promotes_a_member_and_it_is_audited(
    auth_client, user, org, user_factory
):
    # given
    member = user_factory()
    add_member(org, member, Role.MEMBER)

    # when
    response = auth_client.patch(
        _members_url(org, str(member.pk), "role"), {"role": "owner"}, format="json"
    )

    # then
    assert response.status_code == 200
    assert response.json()["data"]["member"]["role"] == "owner"
    assert role_of(org, member) == "owner"
    event = AuditEvent.objects.get(action="org.member.role_changed")
    assert event.metadata["from"] == "member"
    assert event.metadata["to"] == "owner"
    assert (event.organization_id, event.actor_id) == (org.pk, user.pk)


@pytest.mark.parametrize(
    ("target_role", "new_role"),
    [(Role.MEMBER, Role.OWNER), (Role.OWNER, Role.ADMIN), (Role.OWNER, Role.GUEST)],
)
def test_an_admin_cannot_promote_to_or_demote_an_owner(
    org, user_factory, client_for, target_role, new_role
):
    # given
    admin, target = user_factory(), user_factory()
    add_member(org, admin, Role.ADMIN)
    add_member(org, target, target_role)

    # when
    response = client_for(admin).patch(
        _members_url(org, str(target.pk), "role"), {"role": new_role}, format="json"
    )

    # then
    assert response.status_code == 403
    assert role_of(org, target) == target_role


def test_an_admin_cannot_promote_themselves_to_owner(org, user_factory, client_for):
    # given
    admin = user_factory()
    add_member(org, admin, Role.ADMIN)

    # when
    response = client_for(admin).patch(
        _members_url(org, str(admin.pk), "role"), {"role": "owner"}, format="json"
    )

    # then
    assert response.status_code == 403
    assert role_of(org, admin) == "admin"


@pytest.mark.parametrize("new_role", [Role.ADMIN, Role.OWNER])
def test_a_member_cannot_promote_themselves(org, user_factory, client_for, new_role):
    # given
    member = user_factory()
    add_member(org, member, Role.MEMBER)

    # when
    response = client_for(member).patch(
        _members_url(org, str(member.pk), "role"), {"role": new_role}, format="json"
    )

    # then
    assert response.status_code == 403
    assert role_of(org, member) == "member"


def test_setting_the_same_role_changes_and_records_nothing(
    auth_client, org, user_factory
):
    # given
    member = user_factory()
    add_member(org, member, Role.MEMBER)

    # when
    response = auth_client.patch(
        _members_url(org, str(member.pk), "role"), {"role": "member"}, format="json"
    )

    # then
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="org.member.role_changed").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "role"), ({"role": "boss"}, "role"), ({"role": "admin", "x": 1}, "x")],
)
def test_bad_role_bodies_name_the_field(auth_client, org, user_factory, body, field):
    # given
    member = user_factory()
    add_member(org, member)

    # when
    response = auth_client.patch(
        _members_url(org, str(member.pk), "role"), body, format="json"
    )

    # then
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == [field]
