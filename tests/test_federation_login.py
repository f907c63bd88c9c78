"""Browser sign-in with Google, GitHub, Microsoft and generic OIDC, end to end."""

import pytest
import responses
from rest_framework.test import APIClient

from audit.models import AuditEvent
from federation.models import FederatedIdentity, LoginCode
from sessions_api.models import Session
from tests.federation_fakes import FAKES, FRONTEND, query_of, s256, sign_in

pytestmark = pytest.mark.django_db

ALL = sorted(FAKES)
WITH_ID_TOKEN = ["google", "microsoft", "oidc"]


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def browser():
    return APIClient()


@pytest.fixture
def provider(request, settings, rsps):
    settings.FRONTEND_REDIRECT_ALLOWLIST = [FRONTEND]
    fake = FAKES[request.param]()
    fake.configure(settings)
    fake.install(rsps)
    return fake


def exchange(code):
    return APIClient().post("/api/v1/auth/exchange", {"code": code}, format="json")


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_authorization_request_carries_client_callback_state_scope_and_pkce(
    browser, provider
):
    # given
    url = f"/api/v1/auth/{provider.id}/login"

    # when
    response = browser.get(url, {"redirect_uri": FRONTEND})

    # then
    assert response.status_code == 302
    params = provider.authorized(response["Location"])
    assert params["client_id"] == provider.client_id
    assert params["redirect_uri"] == (
        f"http://testserver/api/v1/auth/{provider.id}/callback"
    )
    assert params["response_type"] == "code"
    assert len(params["state"]) >= 16
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    scopes = set(params["scope"].replace(",", " ").split())
    if provider.id == "github":
        assert "user:email" in scopes
    else:
        assert {"openid", "email"} <= scopes
        assert len(params.get("nonce", "")) >= 16 or provider.id == "microsoft"


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_sign_in_creates_a_verified_user_and_hands_back_a_one_time_code(
    browser, provider, django_user_model
):
    # given
    provider.email = "new.person@example.com"

    # when
    response = sign_in(browser, provider)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(FRONTEND + "?code=")
    code = query_of(response["Location"])["code"]
    user = django_user_model.objects.get(email="new.person@example.com")
    assert user.email_verified is True
    assert user.has_usable_password() is False
    identity = FederatedIdentity.objects.get(user=user)
    assert (identity.provider, identity.subject) == (provider.id, provider.subject)
    token_request = provider.token_requests[0]
    assert (
        s256(token_request["code_verifier"])
        == (provider.auth_request["code_challenge"])
    )
    assert AuditEvent.objects.filter(
        action="auth.federated.succeeded", actor_id=user.id
    ).get().metadata == {"provider": provider.id}

    # when
    first = exchange(code)
    second = exchange(code)

    # then
    assert first.status_code == 200
    assert first.json()["data"]["user"]["email"] == "new.person@example.com"
    session = Session.objects.get(user=user)
    assert session.auth_method == provider.id
    assert second.status_code == 400
    assert second.json()["error"]["type"] == "VALIDATION_ERROR"
