"""No removal, demotion, departure or account deletion leaves no owner."""

import threading

import pytest
from django.db import connection, connections, transaction

from accounts.models import User
from accounts.signals import user_deleting
from audit.models import AuditEvent
from authy.api.errors import Conflict
from organizations import services
from organizations.models import Membership, Organization, Role
from tests.org_factories import add_member, make_org, role_of


def _url(organization, user, *rest):
    return "/".join(
        [f"/api/v1/organizations/{organization.pk}/members/{user.pk}", *rest]
    )


@pytest.mark.django_db
def test_the_last_owner_cannot_leave(auth_client, user, user_factory):
    # given
    organization = make_org(user)
    add_member(organization, user_factory(), Role.ADMIN)

    # when
    response = auth_client.delete(_url(organization, user))

    # then
    assert response.status_code == 409
    assert response.json()["error"]["type"] == "CONFLICT"
    assert role_of(organization, user) == "owner"
    assert not AuditEvent.objects.filter(action="org.member.removed").exists()


@pytest.mark.django_db
def test_the_only_member_cannot_leave_either(auth_client, user):
    organization = make_org(user)

    response = auth_client.delete(_url(organization, user))

    assert response.status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize("new_role", [Role.ADMIN, Role.MEMBER, Role.GUEST])
def test_the_last_owner_cannot_be_demoted(auth_client, user, new_role):
    # given
    organization = make_org(user)

    # when
    response = auth_client.patch(
        _url(organization, user, "role"), {"role": new_role}, format="json"
    )

    # then
    assert response.status_code == 409
    assert role_of(organization, user) == "owner"


@pytest.mark.django_db
def test_an_owner_steps_down_while_another_remains_who_then_cannot_leave(
    auth_client, user, user_factory, client_for
):
    # given
    organization = make_org(user)
    other = user_factory()
    add_member(organization, other, Role.OWNER)

    # when
    demoted = auth_client.patch(
        _url(organization, user, "role"), {"role": "admin"}, format="json"
    )
    left = client_for(other).delete(_url(organization, other))

    # then
    assert (demoted.status_code, left.status_code) == (200, 409)
    assert (
        Membership.objects.filter(organization=organization, role=Role.OWNER).count()
        == 1
    )


@pytest.mark.django_db
def test_an_owner_removes_another_owner_but_not_the_last(
    auth_client, user, user_factory, client_for
):
    # given
    organization = make_org(user)
    other = user_factory()
    add_member(organization, other, Role.OWNER)

    # when
    first = auth_client.delete(_url(organization, other))
    second = auth_client.delete(_url(organization, user))

    # then
    assert (first.status_code, second.status_code) == (200, 409)
    assert role_of(organization, user) == "owner"


# Account deletion ------------------------------------------------------------------


def _delete_account(user):
    """Do what the account deletion service does: announce, then delete, atomically."""
    with transaction.atomic():
        user_deleting.send(sender=User, user=user)
        user.delete()


@pytest.mark.django_db
def test_deleting_the_last_owner_of_an_organization_with_members_is_refused(
    user, user_factory
):
    # given
    organization = make_org(user)
    add_member(organization, user_factory())
    solo = make_org(user, name="Solo")

    # when
    with pytest.raises(Conflict) as refused:
        _delete_account(user)

    # then
    assert refused.value.details == {"organizations": [str(organization.pk)]}
    assert User.objects.filter(pk=user.pk).exists()
    assert Organization.objects.filter(pk=solo.pk).exists()
    assert role_of(organization, user) == "owner"


@pytest.mark.django_db
def test_deleting_an_account_deletes_organizations_it_alone_belonged_to(
    user, user_factory
):
    # given
    solo = make_org(user, name="Solo")
    shared = make_org(user, name="Shared")
    add_member(shared, user_factory(), Role.OWNER)
    elsewhere = make_org(user_factory(), name="Elsewhere")
    add_member(elsewhere, user, Role.GUEST)

    # when
    _delete_account(user)

    # then
    assert not Organization.objects.filter(pk=solo.pk).exists()
    assert Organization.objects.filter(pk__in=[shared.pk, elsewhere.pk]).count() == 2
    assert not Membership.objects.filter(user_id=user.pk).exists()
    events = {
        (e.organization_id, e.action, e.metadata.get("reason"))
        for e in AuditEvent.objects.filter(organization_id__isnull=False)
    }
    assert (solo.pk, "org.deleted", "account_deleted") in events
    assert (shared.pk, "org.member.removed", "account_deleted") in events
    assert (elsewhere.pk, "org.member.removed", "account_deleted") in events


# Concurrency -----------------------------------------------------------------------


def _race(calls):
    """Run each call in its own thread and database connection, all at once."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "ok"
        except Conflict:
            outcomes[index] = "conflict"
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(5))
def test_two_owners_stepping_down_at_once_leave_exactly_one_owner(user_factory, round_):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers before they race")
    # given
    first, second = user_factory(), user_factory()
    organization = make_org(first)
    add_member(organization, second, Role.OWNER)

    # when
    outcomes = _race(
        [
            lambda: services.change_role(organization.pk, first, first.pk, "admin"),
            lambda: services.change_role(organization.pk, second, second.pk, "admin"),
        ]
    )

    # then
    assert sorted(outcomes) == ["conflict", "ok"]
    owners = Membership.objects.filter(organization=organization, role=Role.OWNER)
    assert owners.count() == 1
    assert AuditEvent.objects.filter(action="org.member.role_changed").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_owners_leaving_at_once_leave_exactly_one_owner(user_factory):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes writers before they race")
    # given
    first, second = user_factory(), user_factory()
    organization = make_org(first)
    add_member(organization, second, Role.OWNER)
    add_member(organization, user_factory(), Role.MEMBER)

    # when
    outcomes = _race(
        [
            lambda: services.remove_member(organization.pk, first, first.pk),
            lambda: services.remove_member(organization.pk, second, second.pk),
        ]
    )

    # then
    assert sorted(outcomes) == ["conflict", "ok"]
    assert (
        Membership.objects.filter(organization=organization, role=Role.OWNER).count()
        == 1
    )
