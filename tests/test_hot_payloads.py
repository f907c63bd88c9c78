"""Hand-built payloads of hot reads match the serializers that document them."""

import pytest

from accounts.serializers import UserSerializer, user_payload
from sessions_api.serializers import SessionSerializer, session_payload

pytestmark = pytest.mark.django_db


def test_user_payload_equals_the_user_serializer(user_factory):
    # given
    user = user_factory(full_name="Grace Hopper", avatar_url="https://x.test/a.png")
    user.refresh_from_db()

    # when
    built = user_payload(user)

    # then
    assert built == dict(UserSerializer(user).data)


def test_session_payload_equals_the_session_serializer(user, client_for):
    # given
    from sessions_api.models import Session

    client = client_for(user)
    session = Session.objects.get(pk=client.session_id)

    # when
    built = session_payload(session, session.id)
    other = session_payload(session, "someone-else")

    # then
    assert built == dict(
        SessionSerializer(session, context={"current_id": session.id}).data
    )
    assert (built["is_current"], other["is_current"]) == (True, False)


def test_member_payload_equals_the_member_serializer(user_factory):
    # given
    from organizations.models import Membership, Organization
    from organizations.selectors import member_rows, members_of
    from organizations.serializers import MemberSerializer, member_payload

    owner = user_factory(full_name="Owner")
    guest = user_factory(full_name="Guest", avatar_url="https://x.test/g.png")
    org = Organization.objects.create(name="Payload Org", slug="payload-org")
    Membership.objects.create(organization=org, user=owner, role="owner")
    Membership.objects.create(
        organization=org, user=guest, role="guest", invited_by=owner
    )

    # when
    built = [member_payload(row) for row in member_rows(org)]

    # then
    assert built == [
        dict(item) for item in MemberSerializer(members_of(org), many=True).data
    ]
    assert [member["invited_by"] for member in built] == [None, str(owner.id)]
