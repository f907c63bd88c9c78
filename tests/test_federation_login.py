"""Browser sign-in with Google, GitHub, Microsoft and generic OIDC, end to end."""

import time

import pytest
import responses
from rest_framework.test import APIClient

from audit.models import AuditEvent
from federation.models import FederatedIdentity, LoginCode
from sessions_api.models import Session
from tests.federation_fakes import (
    FAKES,
    FORGED_KEY,
    FRONTEND,
    MicrosoftTenantFake,
    begin,
    complete,
    query_of,
    s256,
    sign_in,
)

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


def assert_refused(response, reason):
    assert response.status_code == 302
    assert response["Location"] == f"{FRONTEND}?error={reason}"
    assert LoginCode.objects.count() == 0
    assert Session.objects.count() == 0


def tamper_signature(fake):
    fake.key = FORGED_KEY


def tamper_audience(fake):
    fake.claims_override = {"aud": "someone-elses-client"}


def tamper_issuer(fake):
    fake.claims_override = {"iss": "https://evil.example.net/v2.0"}


def tamper_expiry(fake):
    past = int(time.time()) - 3600
    fake.claims_override = {"iat": past - 300, "exp": past}


def tamper_nonce(fake):
    fake.claims_override = {"nonce": "a-nonce-from-another-login"}


tamper_signature.detail = "invalid_signature"
tamper_audience.detail = "invalid_claim"
tamper_issuer.detail = "invalid_claim"
tamper_expiry.detail = "response_expired"
tamper_nonce.detail = "nonce_mismatch"

TAMPERING = [
    (provider_id, tamper)
    for provider_id in WITH_ID_TOKEN
    for tamper in (tamper_signature, tamper_audience, tamper_issuer, tamper_expiry)
] + [("google", tamper_nonce), ("oidc", tamper_nonce)]


@pytest.mark.parametrize(
    ("provider", "tamper"),
    TAMPERING,
    indirect=["provider"],
    ids=[f"{p}-{t.__name__}" for p, t in TAMPERING],
)
def test_an_id_token_that_fails_validation_ends_in_an_error_and_no_session(
    browser, provider, tamper, django_user_model
):
    # given
    tamper(provider)

    # when
    response = sign_in(browser, provider)

    # then
    assert_refused(response, "invalid_response")
    assert django_user_model.objects.count() == 0
    event = AuditEvent.objects.get(action="auth.federated.failed")
    assert event.success is False
    assert event.metadata["provider"] == provider.id
    assert event.metadata["reason"] == "invalid_response"
    expected = "SuspiciousOperation" if provider.id == "oidc" else tamper.detail
    assert event.metadata["detail"] == expected


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_a_callback_with_a_foreign_state_is_refused_before_the_code_is_traded(
    browser, provider
):
    # given
    started = begin(browser, provider.id)
    provider.authorized(started["Location"])

    # when
    response = complete(browser, provider.id, state="state-from-another-browser")

    # then
    assert_refused(response, "invalid_state")
    assert provider.token_requests == []


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_a_state_is_spent_by_its_first_callback(browser, provider):
    # given
    first = sign_in(browser, provider)
    LoginCode.objects.all().delete()
    begin(browser, provider.id)

    # when
    replay = complete(browser, provider.id, provider.auth_request["state"])

    # then
    assert first["Location"].startswith(FRONTEND + "?code=")
    assert_refused(replay, "invalid_state")


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_an_unverified_provider_email_neither_creates_nor_links(
    browser, provider, user_factory, django_user_model
):
    # given
    provider.verified = False
    provider.email = "taken@example.com"
    owner = user_factory(email="taken@example.com", email_verified=True)

    # when
    response = sign_in(browser, provider)

    # then
    assert_refused(response, "email_not_verified")
    assert FederatedIdentity.objects.count() == 0
    assert list(django_user_model.objects.all()) == [owner]
    event = AuditEvent.objects.get(action="auth.federated.failed")
    assert event.metadata["reason"] == "email_not_verified"


@pytest.mark.parametrize("provider", ["google", "github"], indirect=True)
def test_a_verified_email_does_not_link_to_an_account_with_an_unverified_email(
    browser, provider, user_factory
):
    # given
    squatter = user_factory(email="ada@example.com", email_verified=False)

    # when
    response = sign_in(browser, provider)

    # then
    assert_refused(response, "account_exists_unverified")
    assert FederatedIdentity.objects.count() == 0
    event = AuditEvent.objects.get(action="auth.federated.failed")
    assert event.actor_id == squatter.id


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_a_verified_email_links_to_the_account_whose_email_is_verified(
    browser, provider, user_factory
):
    # given
    owner = user_factory(email="ada@example.com", email_verified=True)

    # when
    response = sign_in(browser, provider)
    code = query_of(response["Location"])["code"]

    # then
    identity = FederatedIdentity.objects.get()
    assert identity.user == owner
    linked = AuditEvent.objects.get(action="user.identity.linked")
    assert linked.metadata == {"provider": provider.id, "via": "verified_email"}
    assert exchange(code).json()["data"]["user"]["id"] == str(owner.id)


@pytest.mark.parametrize("status", ["suspended", "inactive"])
@pytest.mark.parametrize("provider", ["google"], indirect=True)
def test_a_suspended_or_inactive_user_cannot_sign_in_with_a_linked_identity(
    browser, provider, user_factory, status
):
    # given
    owner = user_factory(email="ada@example.com")
    FederatedIdentity.objects.create(
        user=owner, provider="google", subject=provider.subject
    )
    owner.status = status
    owner.save()

    # when
    response = sign_in(browser, provider)

    # then
    assert_refused(response, "account_disabled")


@pytest.mark.parametrize("provider", ["github"], indirect=True)
def test_a_returning_identity_signs_in_its_user_even_after_an_email_change(
    browser, provider, user_factory
):
    # given
    owner = user_factory(email="ada@example.com")
    FederatedIdentity.objects.create(
        user=owner, provider="github", subject=provider.subject
    )
    provider.email = "ada@new-employer.example"
    provider.verified = False

    # when
    response = sign_in(browser, provider)

    # then
    code = query_of(response["Location"])["code"]
    assert exchange(code).json()["data"]["user"]["id"] == str(owner.id)
    identity = FederatedIdentity.objects.get()
    assert identity.email == "ada@new-employer.example"
    assert identity.last_used_at is not None


@pytest.mark.parametrize("provider", ["google", "oidc"], indirect=True)
def test_the_provider_refusing_consent_returns_access_denied(browser, provider):
    # given
    started = begin(browser, provider.id)
    provider.authorized(started["Location"])

    # when
    response = browser.get(
        f"/api/v1/auth/{provider.id}/callback",
        {"state": provider.auth_request["state"], "error": "access_denied"},
    )

    # then
    assert_refused(response, "access_denied")


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_callback_urls_follow_public_url_when_it_is_set(browser, provider, settings):
    # given
    settings.PUBLIC_URL = "https://id.example.com"

    # when
    response = sign_in(browser, provider)

    # then
    callback = f"https://id.example.com/api/v1/auth/{provider.id}/callback"
    assert provider.auth_request["redirect_uri"] == callback
    assert provider.token_requests[0].get("redirect_uri") == callback
    assert response["Location"].startswith(FRONTEND + "?code=")


@pytest.mark.parametrize("provider", ALL, indirect=True)
def test_provider_tokens_reach_neither_the_session_the_audit_log_nor_the_logs(
    browser, provider, caplog
):
    # given
    caplog.set_level("DEBUG")

    # when
    response = sign_in(browser, provider)

    # then
    code = query_of(response["Location"])["code"]
    session_data = repr(dict(browser.session.items()))
    audit_data = repr(list(AuditEvent.objects.values()))
    for secret in ("provider-access", "provider-code", "eyJ", code):
        assert secret not in session_data
        assert secret not in audit_data
        assert secret not in caplog.text


@pytest.mark.parametrize("foreign", [False, True])
def test_a_single_tenant_microsoft_setup_admits_only_its_own_tenant(
    browser, settings, rsps, foreign
):
    # given
    settings.FRONTEND_REDIRECT_ALLOWLIST = [FRONTEND]
    fake = MicrosoftTenantFake()
    fake.configure(settings)
    fake.install(rsps)
    if foreign:
        other = "72f988bf-86f1-41af-91ab-2d7cd011db47"
        fake.claims_override = {
            "tid": other,
            "iss": f"https://login.microsoftonline.com/{other}/v2.0",
        }

    # when
    response = sign_in(browser, fake)

    # then
    assert fake.auth_request["redirect_uri"].endswith("/auth/microsoft/callback")
    if foreign:
        assert_refused(response, "invalid_response")
    else:
        assert response["Location"].startswith(FRONTEND + "?code=")


@pytest.mark.parametrize("provider", ["github"], indirect=True)
def test_an_unexpected_error_still_returns_the_browser_to_the_front_end(
    browser, provider, monkeypatch
):
    # given
    def explode(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("federation.pipeline.resolve_account", explode)

    # when
    response = sign_in(browser, provider)

    # then
    assert_refused(response, "server_error")
    event = AuditEvent.objects.get(action="auth.federated.failed")
    assert event.metadata == {
        "provider": "github",
        "reason": "server_error",
        "detail": "RuntimeError",
    }
