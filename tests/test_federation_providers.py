"""The provider list, and what the start endpoint refuses before leaving Gatehouse."""

import pytest
import responses
from django.contrib.auth import authenticate
from rest_framework.test import APIClient

from tests.conftest import DEFAULT_PASSWORD
from tests.federation_fakes import FAKES, FRONTEND, begin

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_network():
    """Any outgoing HTTP request fails the test."""
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def all_configured(settings):
    settings.FRONTEND_REDIRECT_ALLOWLIST = [FRONTEND]
    for fake in FAKES.values():
        fake().configure(settings)


def test_no_provider_is_listed_when_none_is_configured(api_client):
    # when
    response = api_client.get("/api/v1/auth/providers")

    # then
    assert response.status_code == 200
    assert response.json()["data"] == {"providers": []}


def test_configured_providers_are_listed_with_their_login_urls_and_no_secret(
    api_client, all_configured, django_assert_num_queries
):
    # when
    with django_assert_num_queries(0):
        response = api_client.get("/api/v1/auth/providers")

    # then
    assert response.json()["data"]["providers"] == [
        {
            "id": "google",
            "name": "Google",
            "type": "oidc",
            "login_url": "http://testserver/api/v1/auth/google/login",
        },
        {
            "id": "github",
            "name": "GitHub",
            "type": "oauth2",
            "login_url": "http://testserver/api/v1/auth/github/login",
        },
        {
            "id": "microsoft",
            "name": "Microsoft",
            "type": "oidc",
            "login_url": "http://testserver/api/v1/auth/microsoft/login",
        },
        {
            "id": "oidc",
            "name": "Example IdP",
            "type": "oidc",
            "login_url": "http://testserver/api/v1/auth/oidc/login",
        },
    ]
    assert b"provider-secret-value" not in response.content


def test_login_urls_use_public_url_when_it_is_set(api_client, all_configured, settings):
    # given
    settings.PUBLIC_URL = "https://id.example.com"

    # when
    response = api_client.get("/api/v1/auth/providers")

    # then
    urls = [item["login_url"] for item in response.json()["data"]["providers"]]
    assert urls[0] == "https://id.example.com/api/v1/auth/google/login"


def test_a_provider_without_a_secret_is_absent(api_client, settings):
    # given
    settings.SOCIAL_AUTH_GITHUB_KEY = "github-client-id"
    settings.SOCIAL_AUTH_GITHUB_SECRET = ""

    # when
    response = api_client.get("/api/v1/auth/providers")

    # then
    assert response.json()["data"]["providers"] == []


@pytest.mark.parametrize("path", ["login", "callback"])
@pytest.mark.parametrize("provider_id", sorted(FAKES))
def test_urls_of_an_unconfigured_provider_answer_a_json_404(
    api_client, provider_id, path, no_network
):
    # when
    response = api_client.get(
        f"/api/v1/auth/{provider_id}/{path}", {"redirect_uri": FRONTEND}
    )

    # then
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "NOT_FOUND"


def test_an_unknown_provider_answers_a_json_404(api_client, all_configured):
    # when
    response = api_client.get("/api/v1/auth/facebook/login")

    # then
    assert response.status_code == 404
    assert response.json()["success"] is False


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "",
        "https://evil.example.net/auth/callback",
        "https://app.example.com/auth/callback/../../steal",
        "https://app.example.com/auth/callbackx",
        "https://app.example.com:8443/auth/callback",
        "http://app.example.com/auth/callback",
        "https://user@app.example.com/auth/callback",
        "javascript:alert(1)",
        "/auth/callback",
    ],
)
@pytest.mark.parametrize("provider_id", sorted(FAKES))
def test_a_redirect_uri_off_the_allow_list_is_refused_before_leaving_gatehouse(
    provider_id, redirect_uri, all_configured, no_network
):
    # given
    browser = APIClient()

    # when
    response = begin(browser, provider_id, redirect_uri=redirect_uri)

    # then
    assert response.status_code == 400
    assert "Location" not in response
    body = response.json()
    assert body["error"]["type"] == "VALIDATION_ERROR"
    assert list(body["error"]["details"]) == ["redirect_uri"]
    assert len(no_network.calls) == 0


def test_a_callback_without_a_flow_in_this_browser_is_a_json_400(all_configured):
    # given
    browser = APIClient()

    # when
    response = browser.get(
        "/api/v1/auth/google/callback", {"state": "s", "code": "provider-code"}
    )

    # then
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "VALIDATION_ERROR"


def test_no_provider_backend_can_answer_the_admin_password_login(
    settings, all_configured, user_factory, rf
):
    # given
    owner = user_factory(email="admin@example.com")
    request = rf.post("/admin/login/?code=provider-code&state=s")

    # when
    signed_in = authenticate(
        request, username="admin@example.com", password=DEFAULT_PASSWORD
    )
    refused = authenticate(request, username="admin@example.com", password="wrong")

    # then
    assert settings.AUTHENTICATION_BACKENDS == ["accounts.backends.EmailBackend"]
    assert signed_in == owner
    assert refused is None
