"""Our service-provider side per organization: URLs, pysaml2 config and client."""

import shutil
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_UNSPECIFIED

from authy.api.errors import ServiceUnavailable
from saml_sso.app_settings import app_settings

XMLSEC_MISSING_MESSAGE = (
    "SAML single sign-on is unavailable: the xmlsec1 program is not installed "
    "on this server."
)


def xmlsec_binary():
    """Return the xmlsec1 path, or raise 503 when the program is not installed.

    Checked on every request rather than at start-up, so a server without
    xmlsec1 still starts and serves everything that is not SAML.
    """
    path = shutil.which(app_settings.XMLSEC_BINARY)
    if not path:
        raise ServiceUnavailable(XMLSEC_MISSING_MESSAGE)
    return path


def public_base_url(request):
    """The origin our SAML URLs are built on: PUBLIC_URL, else the request's."""
    return settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


@dataclass(frozen=True)
class SpUrls:
    entity_id: str
    metadata_url: str
    acs_url: str
    sls_url: str
    login_url: str


def sp_urls(slug, base_url):
    """Our per-organization endpoints; the metadata URL doubles as the entity id."""

    def url(name):
        return base_url + reverse(name, kwargs={"slug": slug})

    metadata_url = url("saml-metadata")
    return SpUrls(
        entity_id=metadata_url,
        metadata_url=metadata_url,
        acs_url=url("saml-acs"),
        sls_url=url("saml-sls"),
        login_url=url("saml-login"),
    )


def sp_config(slug, name, base_url, idp_metadata_xml=None, allow_unsolicited=False):
    """Build a pysaml2 SPConfig for one organization.

    Either the response or the assertion must be signed by the certificate of
    the organization's IdP metadata; pysaml2 checks audience, destination,
    recipient and validity window against the values given here.
    """
    # pysaml2's signature layer loads XML schemas on import (a second or more), so it
    # is imported on first use rather than when the URLconf loads.
    from saml2.config import SPConfig

    urls = sp_urls(slug, base_url)
    conf = SPConfig()
    conf.load(
        {
            "entityid": urls.entity_id,
            "xmlsec_binary": xmlsec_binary(),
            "allow_unknown_attributes": True,
            "accepted_time_diff": app_settings.CLOCK_SKEW,
            "metadata": {"inline": [idp_metadata_xml]} if idp_metadata_xml else {},
            "service": {
                "sp": {
                    "name": name,
                    "endpoints": {
                        "assertion_consumer_service": [
                            (urls.acs_url, BINDING_HTTP_POST)
                        ],
                        "single_logout_service": [
                            (urls.sls_url, BINDING_HTTP_REDIRECT),
                            (urls.sls_url, BINDING_HTTP_POST),
                        ],
                    },
                    "allow_unsolicited": allow_unsolicited,
                    "want_response_signed": False,
                    "want_assertions_signed": False,
                    "want_assertions_or_response_signed": True,
                    "authn_requests_signed": False,
                    "name_id_format": [
                        NAMEID_FORMAT_EMAILADDRESS,
                        NAMEID_FORMAT_UNSPECIFIED,
                    ],
                    "name_id_format_allow_create": True,
                }
            },
        }
    )
    return conf


def client_for(config, base_url, allow_unsolicited=False):
    from saml2.client import Saml2Client

    org = config.organization
    conf = sp_config(
        org.slug, org.name, base_url, config.idp_metadata_xml, allow_unsolicited
    )
    return Saml2Client(config=conf)


def metadata_xml(organization, base_url):
    """Our SP metadata for `organization`, as XML text."""
    from saml2.metadata import create_metadata_string

    conf = sp_config(organization.slug, organization.name, base_url)
    return create_metadata_string(None, config=conf, sign=False).decode()
