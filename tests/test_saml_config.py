"""Per-organization SAML configuration: metadata, domains and their verification."""

import pytest
import responses

from audit.models import AuditEvent
from organizations.models import Membership, Organization, Role
from saml_sso.models import SamlConfig, SamlDomain
from tests.saml_idp import (
    PUBLIC_URL,
    SKIP_REASON,
    XMLSEC_MISSING,
    configure_saml,
)

pytestmark = pytest.mark.skipif(XMLSEC_MISSING, reason=SKIP_REASON)
METADATA_URL = "https://idp.example.test/saml/metadata.xml"


class FakeResolver:
    """Answers TXT look-ups from a dictionary instead of the network."""

    records = {}

    def txt_records(self, name):
        return list(self.records.get(name, []))


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PUBLIC_URL = PUBLIC_URL
    settings.SAML_DNS_RESOLVER = "tests.test_saml_config.FakeResolver"
    FakeResolver.records = {}


@pytest.fixture
def organization(user):
    organization = Organization.objects.create(name="Acme", slug="acme")
    Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
    return organization


def url_of(organization, suffix=""):
    return f"/api/v1/organizations/{organization.id}/saml{suffix}"


def test_an_owner_saves_the_configuration_from_metadata_xml(
    auth_client, organization, idp
):
    # when
    answer = auth_client.put(
        url_of(organization),
        {
            "idp_metadata_xml": idp.metadata_xml,
            "domains": ["Acme.Test", "acme.test", "corp.acme.test"],
            "enforce": True,
        },
        format="json",
    )

    # then
    assert answer.status_code == 200, answer.content
    saml = answer.json()["data"]["saml"]
    assert saml["idp_entity_id"] == "https://idp.example.test/saml/metadata"
    assert saml["sp_entity_id"] == f"{PUBLIC_URL}/api/v1/auth/saml/acme/metadata"
    assert saml["acs_url"] == f"{PUBLIC_URL}/api/v1/auth/saml/acme/acs"
    assert saml["metadata_url"] == saml["sp_entity_id"]
    assert (saml["enforce"], saml["allow_idp_initiated"]) == (True, False)
    assert saml["idp_metadata_url"] is None
    assert [d["domain"] for d in saml["domains"]] == ["acme.test", "corp.acme.test"]
    assert all(d["verified"] is False for d in saml["domains"])
    first = saml["domains"][0]
    assert (
        first["txt_record"] == f"gatehouse-verification={first['verification_token']}"
    )
    event = AuditEvent.objects.get(action="org.saml.updated")
    assert (event.organization_id, event.target_id) == (
        organization.id,
        str(organization.id),
    )
    assert event.metadata == {
        "fields": ["idp_metadata_xml", "domains", "enforce"],
    }


def test_get_returns_the_stored_settings_and_each_domains_state(
    auth_client, organization, idp, user, django_assert_max_num_queries
):
    # given
    configure_saml_for(organization, user, idp)

    # when
    with django_assert_max_num_queries(8):
        answer = auth_client.get(url_of(organization))

    # then
    assert answer.status_code == 200
    saml = answer.json()["data"]["saml"]
    assert saml["idp_metadata_xml"] == idp.metadata_xml
    assert [(d["domain"], d["verified"]) for d in saml["domains"]] == [
        ("acme.test", True),
        ("other.test", False),
    ]


def configure_saml_for(organization, owner, idp):
    from saml_sso.idp_metadata import parse_metadata
    from saml_sso.services import mark_verified, save_config

    config = save_config(
        organization,
        owner,
        metadata=parse_metadata(idp.metadata_xml),
        metadata_url="",
        domains=["acme.test", "other.test"],
        options={"enforce": False, "allow_idp_initiated": False},
    )
    mark_verified(config.domains.get(domain="acme.test"), owner, method="admin")
    return config


def test_saving_again_keeps_the_verification_of_domains_that_stay(
    auth_client, organization, idp, user
):
    # given
    config = configure_saml_for(organization, user, idp)
    token = config.domains.get(domain="acme.test").verification_token

    # when
    answer = auth_client.put(
        url_of(organization),
        {"idp_metadata_xml": idp.metadata_xml, "domains": ["acme.test", "new.test"]},
        format="json",
    )

    # then
    domains = {d["domain"]: d for d in answer.json()["data"]["saml"]["domains"]}
    assert set(domains) == {"acme.test", "new.test"}
    assert domains["acme.test"]["verified"] is True
    assert domains["acme.test"]["verification_token"] == token
    assert not SamlDomain.objects.filter(domain="other.test").exists()
    latest = AuditEvent.objects.filter(action="org.saml.updated").latest("created_at")
    assert latest.metadata == {"fields": ["domains"]}


def test_invalid_metadata_is_a_validation_error_naming_idp_metadata_xml(
    auth_client, organization
):
    # when
    answer = auth_client.put(
        url_of(organization),
        {"idp_metadata_xml": "<not-metadata/>", "domains": []},
        format="json",
    )

    # then
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "VALIDATION_ERROR"
    assert list(answer.json()["error"]["details"]) == ["idp_metadata_xml"]
    assert not SamlConfig.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"domains": []},
        {"idp_metadata_xml": "<x/>", "idp_metadata_url": METADATA_URL, "domains": []},
    ],
)
def test_exactly_one_metadata_source_is_required(auth_client, organization, body):
    # when
    answer = auth_client.put(url_of(organization), body, format="json")

    # then
    assert answer.status_code == 400
    assert "idp_metadata_xml" in answer.json()["error"]["details"]


def test_unknown_keys_and_bad_domains_are_refused(auth_client, organization, idp):
    # when
    unknown = auth_client.put(
        url_of(organization),
        {"idp_metadata_xml": idp.metadata_xml, "domains": [], "sp_entity_id": "x"},
        format="json",
    )
    bad_domain = auth_client.put(
        url_of(organization),
        {"idp_metadata_xml": idp.metadata_xml, "domains": ["not a domain"]},
        format="json",
    )

    # then
    assert list(unknown.json()["error"]["details"]) == ["sp_entity_id"]
    assert list(bad_domain.json()["error"]["details"]) == ["domains"]


@responses.activate
def test_metadata_given_by_url_is_fetched_on_save(auth_client, organization, idp):
    # given
    responses.add(responses.GET, METADATA_URL, body=idp.metadata_xml)

    # when
    answer = auth_client.put(
        url_of(organization),
        {"idp_metadata_url": METADATA_URL, "domains": ["acme.test"]},
        format="json",
    )

    # then
    assert answer.status_code == 200, answer.content
    saml = answer.json()["data"]["saml"]
    assert saml["idp_metadata_url"] == METADATA_URL
    assert saml["idp_entity_id"] == "https://idp.example.test/saml/metadata"


@responses.activate
def test_metadata_url_that_fails_is_a_validation_error(auth_client, organization):
    # given
    responses.add(responses.GET, METADATA_URL, status=500)

    # when
    answer = auth_client.put(
        url_of(organization),
        {"idp_metadata_url": METADATA_URL, "domains": []},
        format="json",
    )

    # then
    assert answer.status_code == 400
    assert list(answer.json()["error"]["details"]) == ["idp_metadata_url"]


def test_delete_removes_the_configuration(auth_client, organization, idp, user):
    # given
    configure_saml_for(organization, user, idp)

    # when
    answer = auth_client.delete(url_of(organization))
    after = auth_client.get(url_of(organization))

    # then
    assert answer.status_code == 200
    assert answer.json()["data"] == {}
    assert after.status_code == 404
    assert not SamlDomain.objects.exists()
    assert AuditEvent.objects.filter(action="org.saml.deleted").count() == 1


def test_members_may_not_configure_and_strangers_see_nothing(
    client_for, user_factory, organization
):
    # given
    member = user_factory()
    Membership.objects.create(organization=organization, user=member, role=Role.MEMBER)
    stranger = user_factory()

    # when
    as_member = client_for(member).get(url_of(organization))
    as_stranger = client_for(stranger).get(url_of(organization))

    # then
    assert as_member.status_code == 403
    assert as_stranger.status_code == 404


def test_a_domain_is_verified_by_its_dns_txt_record(
    auth_client, organization, idp, user
):
    # given
    config = configure_saml_for(organization, user, idp)
    claimed = config.domains.get(domain="other.test")
    FakeResolver.records = {
        "other.test": [
            "v=spf1 -all",
            f"gatehouse-verification={claimed.verification_token}",
        ]
    }

    # when
    answer = auth_client.post(url_of(organization, "/domains/other.test/verify"))

    # then
    assert answer.status_code == 200, answer.content
    assert answer.json()["data"]["domain"]["verified"] is True
    event = AuditEvent.objects.get(
        action="org.saml.domain_verified", metadata__method="dns"
    )
    assert event.metadata == {"domain": "other.test", "method": "dns"}


def test_a_domain_without_the_txt_record_stays_unverified(
    auth_client, organization, idp, user
):
    # given
    configure_saml_for(organization, user, idp)
    FakeResolver.records = {"other.test": ["gatehouse-verification=wrong"]}

    # when
    answer = auth_client.post(url_of(organization, "/domains/other.test/verify"))

    # then
    assert answer.status_code == 400
    assert list(answer.json()["error"]["details"]) == ["domain"]
    assert SamlDomain.objects.get(domain="other.test").verified_at is None


def test_a_domain_is_verified_by_one_organization_at_a_time(
    auth_client, organization, idp, user, user_factory
):
    # given: globex already owns other.test
    configure_saml(user_factory(), idp, slug="globex", domains=["other.test"])
    config = configure_saml_for(organization, user, idp)
    claimed = config.domains.get(domain="other.test")
    FakeResolver.records = {
        "other.test": [f"gatehouse-verification={claimed.verification_token}"]
    }

    # when
    answer = auth_client.post(url_of(organization, "/domains/other.test/verify"))

    # then
    assert answer.status_code == 409
    claimed.refresh_from_db()
    assert claimed.verified_at is None


def test_verifying_a_domain_the_organization_does_not_claim_is_not_found(
    auth_client, organization, idp, user
):
    # given
    configure_saml_for(organization, user, idp)

    # when
    answer = auth_client.post(url_of(organization, "/domains/gmail.com/verify"))

    # then
    assert answer.status_code == 404


def test_staff_verify_a_domain_in_the_admin(
    client, organization, idp, user, user_factory
):
    # given
    config = configure_saml_for(organization, user, idp)
    claimed = config.domains.get(domain="other.test")
    staff = user_factory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    # when
    answer = client.post(
        "/admin/authy_saml/samldomain/",
        {"action": "verify_domains", "_selected_action": [str(claimed.pk)]},
    )

    # then
    assert answer.status_code == 302
    claimed.refresh_from_db()
    assert claimed.verified_by == staff
    event = AuditEvent.objects.get(action="org.saml.domain_verified", actor_id=staff.id)
    assert event.metadata == {"domain": "other.test", "method": "admin"}
    assert event.target_id == str(organization.id)
