"""SP endpoints: metadata, discovery, single logout, and life without xmlsec1."""

from urllib.parse import urlencode, urlsplit

import pytest
import yaml
from saml2.mdstore import InMemoryMetaData

from accounts.models import User
from audit.models import AuditEvent
from saml_sso import sp
from sessions_api.models import Session
from sessions_api.services import create_session
from tests.conftest import run_django
from tests.saml_idp import (
    FRONTEND_CALLBACK,
    PUBLIC_URL,
    SKIP_REASON,
    XMLSEC_MISSING,
    configure_saml,
    query_of,
    sp_url,
)

needs_xmlsec = pytest.mark.skipif(XMLSEC_MISSING, reason=SKIP_REASON)


@pytest.fixture(autouse=True)
def _public_urls(settings):
    settings.PUBLIC_URL = PUBLIC_URL
    settings.FRONTEND_REDIRECT_ALLOWLIST = [FRONTEND_CALLBACK]


@pytest.fixture
def acme(user_factory, idp):
    return configure_saml(user_factory(email="owner@acme.test"), idp)


@needs_xmlsec
def test_sp_metadata_is_xml_that_pysaml2_parses(api_client, acme):
    # when
    answer = api_client.get("/api/v1/auth/saml/acme/metadata")

    # then
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/samlmetadata+xml"
    metadata = InMemoryMetaData({}, answer.content.decode())
    metadata.load()
    entity_id = sp_url("acme", "metadata")
    assert list(metadata.keys()) == [entity_id]
    acs = metadata.service(
        entity_id,
        "spsso_descriptor",
        "assertion_consumer_service",
        "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
    )
    assert [endpoint["location"] for endpoint in acs] == [sp_url("acme", "acs")]


@needs_xmlsec
def test_discover_returns_the_login_url_of_the_verified_domain(api_client, acme):
    # when
    answer = api_client.post(
        "/api/v1/auth/saml/discover",
        {"email": "Grace@ACME.test", "redirect_uri": FRONTEND_CALLBACK},
        format="json",
    )

    # then
    assert answer.status_code == 200
    login_url = answer.json()["data"]["login_url"]
    assert login_url.startswith(sp_url("acme", "login") + "?")
    assert query_of(login_url) == {"redirect_uri": FRONTEND_CALLBACK}


@needs_xmlsec
def test_discover_answers_alike_whether_or_not_the_account_exists(
    api_client, acme, user_factory, django_assert_num_queries
):
    # given
    user_factory(email="known@acme.test")

    # when
    answers = []
    for email in ("known@acme.test", "unknown@acme.test"):
        with django_assert_num_queries(1):
            answers.append(
                api_client.post(
                    "/api/v1/auth/saml/discover",
                    {"email": email, "redirect_uri": FRONTEND_CALLBACK},
                    format="json",
                )
            )

    # then
    assert answers[0].json()["data"] == answers[1].json()["data"]
    assert answers[0].json()["data"]["login_url"] is not None


@needs_xmlsec
def test_discover_without_sso_for_the_domain_returns_null(api_client, acme):
    # when
    answer = api_client.post(
        "/api/v1/auth/saml/discover",
        {"email": "someone@gmail.com", "redirect_uri": FRONTEND_CALLBACK},
        format="json",
    )

    # then
    assert answer.json()["data"] == {"login_url": None}


@needs_xmlsec
def test_discover_refuses_a_redirect_uri_off_the_allow_list(api_client, db):
    # when
    answer = api_client.post(
        "/api/v1/auth/saml/discover",
        {"email": "a@acme.test", "redirect_uri": "https://evil.test/"},
        format="json",
    )

    # then
    assert answer.status_code == 400
    assert list(answer.json()["error"]["details"]) == ["redirect_uri"]


@needs_xmlsec
def test_a_signed_idp_logout_request_ends_the_members_saml_sessions(
    api_client, acme, idp, user_factory
):
    # given
    organization, _ = acme
    owner = User.objects.get(email="owner@acme.test")
    saml_session, _ = create_session(owner, auth_method="saml")
    password_session, _ = create_session(owner)
    idp.trust(api_client.get(sp_url("acme", "metadata")).content.decode())
    logout_request = idp.logout_request("owner@acme.test", sp_url("acme", "sls"))

    # when
    answer = api_client.post(
        "/api/v1/auth/saml/acme/sls",
        urlencode({"SAMLRequest": logout_request}),
        content_type="application/x-www-form-urlencoded",
    )

    # then
    assert answer.status_code == 302
    assert answer["Location"].startswith("https://idp.example.test/saml/slo?")
    assert Session.objects.get(pk=saml_session.pk).revoked_at is not None
    assert Session.objects.get(pk=password_session.pk).revoked_at is None
    event = AuditEvent.objects.get(action="auth.logout")
    assert (event.target_id, event.metadata) == (str(saml_session.pk), {})


@needs_xmlsec
def test_a_logout_request_signed_in_the_redirect_binding_is_accepted(
    api_client, acme, idp
):
    # given
    owner = User.objects.get(email="owner@acme.test")
    saml_session, _ = create_session(owner, auth_method="saml")
    idp.trust(api_client.get(sp_url("acme", "metadata")).content.decode())
    location = urlsplit(idp.logout_redirect("owner@acme.test", sp_url("acme", "sls")))

    # when
    answer = api_client.get(f"{location.path}?{location.query}")
    tampered = api_client.get(
        f"{location.path}?{location.query.replace('idp-state', 'other-state')}"
    )

    # then
    assert answer.status_code == 302
    assert query_of(answer["Location"])["RelayState"] == "idp-state"
    assert Session.objects.get(pk=saml_session.pk).revoked_at is not None
    assert tampered.status_code == 400


@needs_xmlsec
def test_an_unsigned_logout_request_is_refused(api_client, acme, idp):
    # given
    owner = User.objects.get(email="owner@acme.test")
    saml_session, _ = create_session(owner, auth_method="saml")
    idp.trust(api_client.get(sp_url("acme", "metadata")).content.decode())
    unsigned = idp.logout_request("owner@acme.test", sp_url("acme", "sls"), sign=False)

    # when
    answer = api_client.post(
        "/api/v1/auth/saml/acme/sls",
        urlencode({"SAMLRequest": unsigned}),
        content_type="application/x-www-form-urlencoded",
    )

    # then
    assert answer.status_code == 400
    assert Session.objects.get(pk=saml_session.pk).revoked_at is None


def test_the_schema_documents_sp_metadata_as_xml_not_as_the_envelope(api_client, db):
    # when
    schema = yaml.safe_load(api_client.get("/api/schema/").content)

    # then
    metadata = schema["paths"]["/api/v1/auth/saml/{slug}/metadata"]["get"]
    assert list(metadata["responses"]["200"]["content"]) == [
        "application/samlmetadata+xml"
    ]
    discover = schema["paths"]["/api/v1/auth/saml/discover"]["post"]["responses"]
    envelope = discover["200"]["content"]["application/json"]["schema"]["allOf"][0]
    assert envelope == {"$ref": "#/components/schemas/SuccessEnvelope"}


def test_without_xmlsec1_the_saml_endpoints_answer_503(api_client, monkeypatch, db):
    # given
    monkeypatch.setattr(sp.shutil, "which", lambda name: None)

    # when
    answers = [
        api_client.get("/api/v1/auth/saml/acme/metadata"),
        api_client.post(
            "/api/v1/auth/saml/discover",
            {"email": "a@acme.test", "redirect_uri": FRONTEND_CALLBACK},
            format="json",
        ),
    ]

    # then
    for answer in answers:
        assert answer.status_code == 503
        assert answer.json()["error"]["type"] == "SERVICE_UNAVAILABLE"
        assert "xmlsec1" in answer.json()["message"]


def test_the_server_starts_and_serves_without_xmlsec1():
    # given: a process whose PATH holds no xmlsec1
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client();"
        "r = c.get('/api/v1/auth/saml/acme/metadata');"
        "print(r.status_code, r.json()['error']['type'])"
    )

    # when
    result = run_django(
        code, env={"DEBUG": "1", "PATH": "/nonexistent", "ALLOWED_HOSTS": "testserver"}
    )

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["503", "SERVICE_UNAVAILABLE"]
