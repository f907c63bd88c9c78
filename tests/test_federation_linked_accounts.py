"""Linked accounts: listing, linking from a signed-in session, and unlinking."""

from datetime import timedelta

import pytest
import responses
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from federation.models import FederatedIdentity, LinkTicket, LoginCode
from tests.federation_fakes import FRONTEND, GitHubFake, GoogleFake, query_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def google(settings):
    settings.FRONTEND_REDIRECT_ALLOWLIST = [FRONTEND]
    fake = GoogleFake(subject="google-sub", email="ada@gmail.example", verified=False)
    fake.configure(settings)
    GitHubFake().configure(settings)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake


def start_link(client, provider_id="google", redirect_uri=FRONTEND):
    return client.post(
        f"/api/v1/users/me/linked-accounts/{provider_id}/start",
        {"redirect_uri": redirect_uri},
        format="json",
    )


def follow(login_url, fake, browser=None):
    """Play the browser: open the login URL, visit the provider, come back."""
    browser = browser or APIClient()
    started = browser.get(login_url)
    if started.status_code != 302:
        return started
    fake.authorized(started["Location"])
    return browser.get(
        f"/api/v1/auth/{fake.id}/callback",
        {"state": fake.auth_request["state"], "code": "provider-code"},
    )


def test_linked_accounts_lists_only_the_callers_identities(
    auth_client, user, user_factory, django_assert_max_num_queries
):
    # given
    mine = FederatedIdentity.objects.create(
        user=user, provider="github", subject="1", email="ada@github.example"
    )
    FederatedIdentity.objects.create(
        user=user_factory(), provider="google", subject="2"
    )

    # when
    with django_assert_max_num_queries(3):
        response = auth_client.get("/api/v1/users/me/linked-accounts")

    # then
    assert response.status_code == 200
    [item] = response.json()["data"]["linked_accounts"]
    assert item["id"] == str(mine.id)
    assert item["provider"] == "github"
    assert item["email"] == "ada@github.example"
    assert item["created_at"].endswith("Z")
    assert item["last_used_at"] is None


def test_linked_accounts_need_a_session(api_client):
    # when
    response = api_client.get("/api/v1/users/me/linked-accounts")

    # then
    assert response.status_code == 401


def test_starting_a_link_returns_a_login_url_with_a_ticket_not_the_token(
    auth_client, google
):
    # when
    response = start_link(auth_client)

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    params = query_of(data["login_url"])
    assert data["login_url"].startswith("http://testserver/api/v1/auth/google/login?")
    assert params["redirect_uri"] == FRONTEND
    assert params["link_ticket"]
    assert auth_client.token not in data["login_url"]
    assert data["expires_at"].endswith("Z")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"redirect_uri": "https://evil.example.net/cb"}, "redirect_uri"),
        ({"redirect_uri": FRONTEND, "user_id": "x"}, "user_id"),
        ({}, "redirect_uri"),
    ],
)
def test_starting_a_link_validates_its_input(auth_client, google, body, field):
    # when
    response = auth_client.post(
        "/api/v1/users/me/linked-accounts/google/start", body, format="json"
    )

    # then
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert LinkTicket.objects.count() == 0


def test_starting_a_link_with_an_unconfigured_provider_is_a_404(auth_client, google):
    # when
    response = start_link(auth_client, provider_id="oidc")

    # then
    assert response.status_code == 404


def test_a_link_attaches_the_identity_to_the_signed_in_user_without_a_login_code(
    auth_client, user, google
):
    # given
    login_url = start_link(auth_client).json()["data"]["login_url"]

    # when
    response = follow(login_url, google)

    # then
    assert response.status_code == 302
    assert response["Location"] == f"{FRONTEND}?linked=google"
    identity = FederatedIdentity.objects.get()
    assert (identity.user, identity.subject) == (user, "google-sub")
    assert LoginCode.objects.count() == 0
    event = AuditEvent.objects.get(action="user.identity.linked")
    assert event.actor_id == user.id
    assert event.metadata == {"provider": "google", "via": "settings"}


def test_a_link_ticket_works_once(auth_client, google):
    # given
    login_url = start_link(auth_client).json()["data"]["login_url"]
    follow(login_url, google)

    # when
    replay = APIClient().get(login_url)

    # then
    assert replay.status_code == 400
    assert "link_ticket" in replay.json()["error"]["details"]


@pytest.mark.parametrize("change", ["forged", "expired", "other_provider"])
def test_a_forged_expired_or_misused_link_ticket_is_refused(
    auth_client, google, change
):
    # given
    login_url = start_link(auth_client).json()["data"]["login_url"]
    params = query_of(login_url)
    path = "/api/v1/auth/google/login"
    if change == "forged":
        params["link_ticket"] = params["link_ticket"][:-2] + "xx"
    elif change == "expired":
        LinkTicket.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        path = "/api/v1/auth/github/login"

    # when
    response = APIClient().get(path, params)

    # then
    assert response.status_code == 400
    assert "link_ticket" in response.json()["error"]["details"]
    assert "Location" not in response


def test_an_identity_linked_to_someone_else_cannot_be_linked_again(
    auth_client, google, user_factory
):
    # given
    other = user_factory()
    FederatedIdentity.objects.create(
        user=other, provider="google", subject="google-sub"
    )
    login_url = start_link(auth_client).json()["data"]["login_url"]

    # when
    response = follow(login_url, google)

    # then
    assert response["Location"] == f"{FRONTEND}?error=identity_in_use"
    assert FederatedIdentity.objects.get().user == other


def test_unlinking_removes_the_identity_and_is_audited(auth_client, user):
    # given
    identity = FederatedIdentity.objects.create(
        user=user, provider="github", subject="1"
    )

    # when
    response = auth_client.delete(f"/api/v1/users/me/linked-accounts/{identity.id}")

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {}
    assert FederatedIdentity.objects.count() == 0
    event = AuditEvent.objects.get(action="user.identity.unlinked")
    assert event.metadata == {"provider": "github"}
    assert event.target_id == str(identity.id)


def test_unlinking_the_last_way_to_sign_in_is_a_conflict(user_factory, client_for):
    # given
    user = user_factory(password=None)
    identity = FederatedIdentity.objects.create(
        user=user, provider="google", subject="1"
    )

    # when
    response = client_for(user).delete(
        f"/api/v1/users/me/linked-accounts/{identity.id}"
    )

    # then
    assert response.status_code == 409
    assert response.json()["error"]["type"] == "CONFLICT"
    assert FederatedIdentity.objects.count() == 1


def test_an_account_without_password_may_unlink_all_but_one_identity(
    user_factory, client_for
):
    # given
    user = user_factory(password=None)
    first = FederatedIdentity.objects.create(user=user, provider="google", subject="1")
    FederatedIdentity.objects.create(user=user, provider="github", subject="2")

    # when
    response = client_for(user).delete(f"/api/v1/users/me/linked-accounts/{first.id}")

    # then
    assert response.status_code == 200
    assert list(FederatedIdentity.objects.values_list("provider", flat=True)) == [
        "github"
    ]


@pytest.mark.parametrize("target", ["someone_elses", "not_a_uuid"])
def test_unlinking_an_unknown_identity_is_a_404(auth_client, user_factory, target):
    # given
    theirs = FederatedIdentity.objects.create(
        user=user_factory(), provider="google", subject="1"
    )
    identity_id = theirs.id if target == "someone_elses" else "not-a-uuid"

    # when
    response = auth_client.delete(f"/api/v1/users/me/linked-accounts/{identity_id}")

    # then
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "NOT_FOUND"
    assert FederatedIdentity.objects.count() == 1


def test_a_link_finished_after_the_user_was_suspended_is_refused(
    auth_client, user, google
):
    # given
    login_url = start_link(auth_client).json()["data"]["login_url"]
    user.status = "suspended"
    user.save()

    # when
    response = follow(login_url, google)

    # then
    assert response["Location"] == f"{FRONTEND}?error=account_disabled"
    assert FederatedIdentity.objects.count() == 0
