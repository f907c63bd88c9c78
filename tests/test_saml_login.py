"""SAML sign-in against a real pysaml2 identity provider with a generated key."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from organizations.models import Membership, Role
from saml_sso.models import SamlAssertionUse
from sessions_api.models import Session
from tests.saml_idp import (
    FRONTEND_CALLBACK,
    PUBLIC_URL,
    SKIP_REASON,
    XMLSEC_MISSING,
    IdentityProvider,
    configure_saml,
    generate_key_pair,
    query_of,
    sp_url,
)

pytestmark = pytest.mark.skipif(XMLSEC_MISSING, reason=SKIP_REASON)


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory):
    return generate_key_pair(tmp_path_factory.mktemp("other"), "other", "Impostor")


@pytest.fixture(autouse=True)
def _public_urls(settings):
    settings.PUBLIC_URL = PUBLIC_URL
    settings.FRONTEND_REDIRECT_ALLOWLIST = [FRONTEND_CALLBACK]


@pytest.fixture
def acme(user_factory, idp, api_client):
    owner = user_factory(email="owner@acme.test")
    organization, config = configure_saml(owner, idp)
    idp.trust(api_client.get(sp_url("acme", "metadata")).content.decode())
    return organization, config


def start_login(api_client, idp, slug="acme"):
    answer = api_client.get(
        f"/api/v1/auth/saml/{slug}/login", {"redirect_uri": FRONTEND_CALLBACK}
    )
    assert answer.status_code == 302, answer.content
    return idp.read_authn_request(answer["Location"])


def post_to_acs(api_client, saml_response, relay_state, slug="acme"):
    return api_client.post(
        f"/api/v1/auth/saml/{slug}/acs",
        urlencode({"SAMLResponse": saml_response, "RelayState": relay_state}),
        content_type="application/x-www-form-urlencoded",
    )


def good_response(idp, request, email="grace@acme.test", slug="acme", **options):
    return idp.response(
        email,
        in_response_to=request.id,
        destination=sp_url(slug, "acs"),
        audience=sp_url(slug, "metadata"),
        **options,
    )


def assert_refused(answer, reason):
    assert answer.status_code == 303
    assert answer["Location"].startswith(FRONTEND_CALLBACK + "?")
    assert query_of(answer["Location"]) == {"error": reason}


def test_a_good_assertion_signs_in_creates_the_user_and_the_membership(
    api_client, idp, acme, django_assert_max_num_queries
):
    # given
    organization, _ = acme
    request, relay_state = start_login(api_client, idp)

    # when
    with django_assert_max_num_queries(22):
        answer = post_to_acs(api_client, good_response(idp, request), relay_state)
    code = query_of(answer["Location"])["code"]
    exchanged = api_client.post("/api/v1/auth/exchange", {"code": code}, format="json")

    # then
    assert answer.status_code == 303
    assert exchanged.status_code == 200
    user = User.objects.get(email="grace@acme.test")
    assert user.email_verified is True
    assert user.full_name == "Grace Hopper"
    assert exchanged.json()["data"]["user"]["id"] == str(user.id)
    membership = Membership.objects.get(organization=organization, user=user)
    assert membership.role == Role.MEMBER
    assert Session.objects.get(user=user).auth_method == "saml"
    event = AuditEvent.objects.get(action="auth.saml.succeeded")
    assert event.actor_id == user.id
    assert event.organization_id == organization.id
    assert event.metadata == {"user_created": True, "membership_created": True}


def test_an_assertion_signed_by_another_key_is_refused(
    api_client, idp, acme, other_keys
):
    # given
    request, relay_state = start_login(api_client, idp)
    impostor = IdentityProvider(other_keys)
    impostor.trust(api_client.get(sp_url("acme", "metadata")).content.decode())

    # when
    answer = post_to_acs(api_client, good_response(impostor, request), relay_state)

    # then
    assert_refused(answer, "invalid_response")
    assert not User.objects.filter(email="grace@acme.test").exists()
    event = AuditEvent.objects.get(action="auth.saml.failed")
    assert (event.success, event.metadata) == (False, {"reason": "invalid_response"})
    assert (event.actor_id, event.target_type) == (None, "")


def test_an_unsigned_response_is_refused(api_client, idp, acme):
    # given
    request, relay_state = start_login(api_client, idp)
    unsigned = good_response(idp, request, sign_response=False, sign_assertion=False)

    # when
    answer = post_to_acs(api_client, unsigned, relay_state)

    # then
    assert_refused(answer, "invalid_response")
    assert not User.objects.filter(email="grace@acme.test").exists()


def test_a_signed_assertion_inside_an_unsigned_response_is_accepted(
    api_client, idp, acme
):
    # given
    request, relay_state = start_login(api_client, idp)
    response = good_response(idp, request, sign_response=False, sign_assertion=True)

    # when
    answer = post_to_acs(api_client, response, relay_state)

    # then
    assert answer.status_code == 303
    assert set(query_of(answer["Location"])) == {"code"}


@pytest.fixture
def globex(user_factory, idp, api_client):
    """A second organization trusting the same IdP, so its audience is real."""
    owner = user_factory(email="owner@globex.test")
    configure_saml(owner, idp, slug="globex", domains=["globex.test"])
    idp.trust(api_client.get(sp_url("globex", "metadata")).content.decode())


def test_an_assertion_for_another_audience_is_refused(api_client, idp, acme, globex):
    # given
    request, relay_state = start_login(api_client, idp)
    response = idp.response(
        "grace@acme.test",
        in_response_to=request.id,
        destination=sp_url("acme", "acs"),
        audience=sp_url("globex", "metadata"),
    )

    # when
    answer = post_to_acs(api_client, response, relay_state)

    # then
    assert_refused(answer, "invalid_response")


def test_an_assertion_for_another_acs_url_is_refused(api_client, idp, acme, globex):
    # given
    request, relay_state = start_login(api_client, idp)
    response = idp.response(
        "grace@acme.test",
        in_response_to=request.id,
        destination=sp_url("globex", "acs"),
        audience=sp_url("acme", "metadata"),
    )

    # when
    answer = post_to_acs(api_client, response, relay_state)

    # then
    assert_refused(answer, "invalid_response")


def test_an_expired_assertion_is_refused(api_client, idp_keys, acme):
    # given: an IdP whose assertions were already past their end when issued
    expired_idp = IdentityProvider(idp_keys, lifetime_minutes=-10)
    expired_idp.trust(api_client.get(sp_url("acme", "metadata")).content.decode())
    request, relay_state = start_login(api_client, expired_idp)

    # when
    answer = post_to_acs(api_client, good_response(expired_idp, request), relay_state)

    # then
    assert_refused(answer, "invalid_response")


def test_a_replayed_response_is_refused(api_client, idp, acme):
    # given
    request, relay_state = start_login(api_client, idp)
    response = good_response(idp, request)
    first = post_to_acs(api_client, response, relay_state)

    # when
    replay = post_to_acs(api_client, response, relay_state)

    # then
    assert set(query_of(first["Location"])) == {"code"}
    assert replay.status_code == 400
    assert replay.json()["error"]["type"] == "BAD_REQUEST"


def test_a_replayed_idp_initiated_assertion_is_refused(api_client, idp, user_factory):
    # given: IdP-initiated sign-in, so no pending request stands in the way
    owner = user_factory(email="owner@initech.test")
    configure_saml(
        owner, idp, slug="initech", domains=["initech.test"], allow_idp_initiated=True
    )
    idp.trust(api_client.get(sp_url("initech", "metadata")).content.decode())
    response = good_response(
        idp, type("R", (), {"id": None}), email="peter@initech.test", slug="initech"
    )
    first = post_to_acs(api_client, response, FRONTEND_CALLBACK, slug="initech")

    # when
    replay = post_to_acs(api_client, response, FRONTEND_CALLBACK, slug="initech")

    # then
    assert set(query_of(first["Location"])) == {"code"}
    assert_refused(replay, "replayed_assertion")
    assert SamlAssertionUse.objects.count() == 1


def test_an_unsolicited_response_is_refused_unless_idp_initiated_is_allowed(
    api_client, idp, acme
):
    # given
    response = good_response(idp, type("R", (), {"id": None}))

    # when
    answer = post_to_acs(api_client, response, FRONTEND_CALLBACK)

    # then
    assert_refused(answer, "unsolicited_response")
    assert not User.objects.filter(email="grace@acme.test").exists()


def test_an_email_outside_the_verified_domains_is_refused(api_client, idp, acme):
    # given
    request, relay_state = start_login(api_client, idp)
    response = good_response(idp, request, email="mallory@evil.test")

    # when
    answer = post_to_acs(api_client, response, relay_state)

    # then
    assert_refused(answer, "email_domain_not_allowed")
    assert not User.objects.filter(email="mallory@evil.test").exists()


def test_an_unverified_domain_neither_routes_nor_creates(api_client, idp, user_factory):
    # given: acme claims pending.test but has not proved it owns it
    owner = user_factory(email="owner@acme.test")
    configure_saml(
        owner, idp, domains=["acme.test", "pending.test"], verified=["acme.test"]
    )
    idp.trust(api_client.get(sp_url("acme", "metadata")).content.decode())
    request, relay_state = start_login(api_client, idp)

    # when
    discovered = api_client.post(
        "/api/v1/auth/saml/discover",
        {"email": "eve@pending.test", "redirect_uri": FRONTEND_CALLBACK},
        format="json",
    )
    answer = post_to_acs(
        api_client, good_response(idp, request, email="eve@pending.test"), relay_state
    )

    # then
    assert discovered.json()["data"] == {"login_url": None}
    assert_refused(answer, "email_domain_not_allowed")
    assert not User.objects.filter(email="eve@pending.test").exists()


def test_an_existing_member_signs_in_without_a_second_membership(
    api_client, idp, acme, user_factory
):
    # given
    organization, _ = acme
    owner = Membership.objects.get(organization=organization).user
    request, relay_state = start_login(api_client, idp)

    # when
    answer = post_to_acs(
        api_client, good_response(idp, request, email="OWNER@acme.test"), relay_state
    )

    # then
    assert set(query_of(answer["Location"])) == {"code"}
    membership = Membership.objects.get(organization=organization, user=owner)
    assert membership.role == Role.OWNER
    assert User.objects.count() == 1


def test_a_suspended_account_is_refused(api_client, idp, acme, user_factory):
    # given
    grace = user_factory(email="grace@acme.test", status="suspended")
    request, relay_state = start_login(api_client, idp)

    # when
    answer = post_to_acs(api_client, good_response(idp, request), relay_state)

    # then
    assert_refused(answer, "account_disabled")
    event = AuditEvent.objects.get(action="auth.saml.failed")
    assert event.actor_id == grace.id


def test_a_response_with_an_unknown_relay_state_is_a_bad_request(api_client, idp, acme):
    # given
    request, _ = start_login(api_client, idp)

    # when
    answer = post_to_acs(api_client, good_response(idp, request), "made-up")

    # then
    assert answer.status_code == 400
    assert AuditEvent.objects.get(action="auth.saml.failed").metadata["reason"] == (
        "unknown_relay_state"
    )


def test_login_refuses_a_redirect_uri_off_the_allow_list(api_client, acme):
    # when
    answer = api_client.get(
        "/api/v1/auth/saml/acme/login", {"redirect_uri": "https://evil.test/cb"}
    )

    # then
    assert answer.status_code == 400
    assert "redirect_uri" in answer.json()["error"]["details"]


def test_login_for_an_organization_without_saml_is_not_found(api_client, db):
    # when
    answer = api_client.get(
        "/api/v1/auth/saml/nobody/login", {"redirect_uri": FRONTEND_CALLBACK}
    )

    # then
    assert answer.status_code == 404


def test_the_acs_takes_the_idps_form_post_without_a_csrf_token(api_client, idp, acme):
    # given: a browser-like client that enforces CSRF, as Django does in production
    browser = Client(enforce_csrf_checks=True)
    request, relay_state = start_login(api_client, idp)

    # when
    answer = browser.post(
        "/api/v1/auth/saml/acme/acs",
        urlencode(
            {"SAMLResponse": good_response(idp, request), "RelayState": relay_state}
        ),
        content_type="application/x-www-form-urlencoded",
    )

    # then
    assert answer.status_code == 303
    assert set(query_of(answer["Location"])) == {"code"}
