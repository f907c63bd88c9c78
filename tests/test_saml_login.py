"""SAML sign-in against a real pysaml2 identity provider with a generated key."""

from urllib.parse import urlencode

import pytest

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
def idp_keys(tmp_path_factory):
    return generate_key_pair(tmp_path_factory.mktemp("idp"), "idp")


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory):
    return generate_key_pair(tmp_path_factory.mktemp("other"), "other", "Impostor")


@pytest.fixture
def idp(idp_keys):
    return IdentityProvider(idp_keys)


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
    api_client, idp, acme
):
    # given
    organization, _ = acme
    request, relay_state = start_login(api_client, idp)

    # when
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
    assert event.metadata["user_created"] is True
