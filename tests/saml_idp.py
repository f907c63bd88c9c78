"""A real SAML identity provider for tests: pysaml2's Server with a generated key."""

import base64
import datetime
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import (
    AUTHN_PASSWORD_PROTECTED,
    NAME_FORMAT_URI,
    NAMEID_FORMAT_EMAILADDRESS,
    NameID,
)
from saml2.server import Server
from saml2.xmldsig import SIG_RSA_SHA256

IDP_ENTITY_ID = "https://idp.example.test/saml/metadata"
IDP_SSO_URL = "https://idp.example.test/saml/sso"
IDP_SLO_URL = "https://idp.example.test/saml/slo"


def generate_key_pair(directory, name, common_name="Test IdP"):
    """Write an RSA key and a self-signed certificate; return their paths."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_path = Path(directory) / f"{name}.key"
    cert_path = Path(directory) / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class IdentityProvider:
    """Signs responses with its own key; `metadata_xml` publishes its certificate."""

    def __init__(self, key_pair, sp_metadata_xml=None, lifetime_minutes=15):
        self.key_file, self.cert_file = key_pair
        config = IdPConfig()
        config.load(
            {
                "entityid": IDP_ENTITY_ID,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "metadata": {"inline": [sp_metadata_xml]} if sp_metadata_xml else {},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (IDP_SSO_URL, BINDING_HTTP_REDIRECT)
                            ],
                            "single_logout_service": [
                                (IDP_SLO_URL, BINDING_HTTP_REDIRECT)
                            ],
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": lifetime_minutes},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
            }
        )
        self.server = Server(config=config)

    def trust(self, sp_metadata_xml):
        """Load a service provider's metadata, as an IdP administrator would."""
        self.server.metadata.imp({"inline": [sp_metadata_xml]})

    @property
    def metadata_xml(self):
        return create_metadata_string(
            None, config=self.server.config, sign=False
        ).decode()

    def read_authn_request(self, location):
        """Decode the AuthnRequest our SP sent by the redirect binding."""
        query = parse_qs(urlsplit(location).query)
        request = self.server.parse_authn_request(
            query["SAMLRequest"][0], BINDING_HTTP_REDIRECT
        )
        return request.message, query["RelayState"][0]

    def response(
        self,
        email,
        *,
        in_response_to,
        destination,
        audience,
        sign_response=True,
        sign_assertion=False,
        attributes=None,
    ):
        """Return a base64 SAMLResponse for the POST binding."""
        identity = {"mail": [email], "displayName": ["Grace Hopper"]}
        identity.update(attributes or {})
        response = self.server.create_authn_response(
            identity,
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            userid=email,
            authn={"class_ref": AUTHN_PASSWORD_PROTECTED},
            sign_response=sign_response,
            sign_assertion=sign_assertion,
        )
        return base64.b64encode(str(response).encode()).decode()

    def logout_redirect(self, email, destination):
        """A LogoutRequest URL for the redirect binding, signed in the query string."""
        _, request = self.server.create_logout_request(
            destination,
            IDP_ENTITY_ID,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            sign=False,
        )
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(request),
            destination,
            relay_state="idp-state",
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
        return dict(info["headers"])["Location"]

    def logout_request(self, email, destination, sign=True):
        """A LogoutRequest for the POST binding, base64-encoded."""
        request_id, request = self.server.create_logout_request(
            destination,
            IDP_ENTITY_ID,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            sign=sign,
        )
        return base64.b64encode(str(request).encode()).decode()


def key_directory():
    return tempfile.mkdtemp(prefix="gatehouse-saml-")


# Where the tests' Gatehouse lives and the one front-end callback it may redirect to.
PUBLIC_URL = "https://gatehouse.test"
FRONTEND_CALLBACK = "https://app.example.test/auth/callback"
XMLSEC_MISSING = shutil.which("xmlsec1") is None
SKIP_REASON = "xmlsec1 is not installed, so SAML signatures cannot be checked"


def sp_url(slug, endpoint):
    return f"{PUBLIC_URL}/api/v1/auth/saml/{slug}/{endpoint}"


def configure_saml(
    owner, idp, *, slug="acme", domains=("acme.test",), verified=None, **options
):
    """Create an organization owned by `owner` whose SAML IdP is `idp`."""
    from organizations.models import Membership, Organization, Role
    from saml_sso.idp_metadata import parse_metadata
    from saml_sso.services import mark_verified, save_config

    organization = Organization.objects.create(name=slug.title(), slug=slug)
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    config = save_config(
        organization,
        owner,
        metadata=parse_metadata(idp.metadata_xml),
        metadata_url="",
        domains=list(domains),
        options={
            "enforce": options.get("enforce", False),
            "allow_idp_initiated": options.get("allow_idp_initiated", False),
        },
    )
    for claimed in config.domains.all():
        if verified is None or claimed.domain in verified:
            mark_verified(claimed, owner, method="admin")
    return organization, config


def query_of(location):
    return {
        key: values[0] for key, values in parse_qs(urlsplit(location).query).items()
    }


@pytest.fixture(scope="module")
def idp_keys(tmp_path_factory):
    """An IdP key pair, made once per test module (RSA generation is slow)."""
    return generate_key_pair(tmp_path_factory.mktemp("idp"), "idp")


@pytest.fixture
def idp(idp_keys):
    """A real pysaml2 identity provider signing with `idp_keys`."""
    return IdentityProvider(idp_keys)
