"""Reading an identity provider's metadata: fetch it by URL and check it is usable."""

import logging
from dataclasses import dataclass

import requests
from saml2 import BINDING_HTTP_REDIRECT

from authy.api.errors import ApiError, ValidationFailed
from saml_sso.app_settings import app_settings
from saml_sso.sp import sp_config

logger = logging.getLogger(__name__)

# Any organization's own base URL will do here: only the IdP half is read.
_PROBE_BASE_URL = "https://probe.invalid"


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    xml: str


def _invalid(field, message):
    return ValidationFailed.on_field(field, message)


def fetch_metadata(url):
    """Download metadata from `url` (HTTPS only, bounded in time and size)."""
    if not url.lower().startswith("https://"):
        raise _invalid("idp_metadata_url", "The metadata URL must use https.")
    try:
        with requests.get(
            url,
            timeout=app_settings.METADATA_FETCH_TIMEOUT,
            stream=True,
            allow_redirects=False,
        ) as answer:
            answer.raise_for_status()
            body = answer.raw.read(
                app_settings.METADATA_MAX_BYTES + 1, decode_content=True
            )
    except requests.RequestException as exc:
        logger.info("SAML metadata fetch failed: %s", type(exc).__name__)
        raise _invalid(
            "idp_metadata_url", "The metadata could not be downloaded from this URL."
        ) from exc
    if len(body) > app_settings.METADATA_MAX_BYTES:
        raise _invalid("idp_metadata_url", "The metadata document is too large.")
    return body.decode("utf-8", errors="replace")


def parse_metadata(xml, field="idp_metadata_xml"):
    """Return the IdP entity of `xml`, or a validation error naming `field`.

    The document must describe exactly one identity provider with a redirect
    binding sign-on endpoint and a signing certificate.
    """
    try:
        conf = sp_config("probe", "probe", _PROBE_BASE_URL, idp_metadata_xml=xml)
        store = conf.metadata
        idps = list(store.identity_providers())
    except ApiError:
        raise
    except Exception as exc:
        logger.info("SAML metadata rejected: %s", type(exc).__name__)
        raise _invalid(field, "This is not valid SAML metadata.") from exc
    if len(idps) != 1:
        raise _invalid(
            field, "The metadata must describe exactly one identity provider."
        )
    entity_id = idps[0]
    if not store.single_sign_on_service(entity_id, BINDING_HTTP_REDIRECT):
        raise _invalid(
            field, "The identity provider has no HTTP-Redirect sign-on endpoint."
        )
    if not store.certs(entity_id, "idpsso", "signing"):
        raise _invalid(field, "The identity provider has no signing certificate.")
    return IdpMetadata(entity_id=entity_id, xml=xml)
