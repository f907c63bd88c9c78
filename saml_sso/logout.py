"""Single logout sent by the IdP: end the person's SAML sessions and answer the IdP."""

import logging

from django.db import transaction
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

from accounts.emails import normalize_email
from accounts.models import User
from audit.actions import AuditAction
from audit.services import record
from authy.api.errors import BadRequest
from saml_sso.sp import client_for
from sessions_api.models import AuthMethod, Session
from sessions_api.services import revoke_session

logger = logging.getLogger(__name__)

REDIRECT = BINDING_HTTP_REDIRECT
POST = BINDING_HTTP_POST
INVALID_MESSAGE = "This is not a valid, signed SAML logout request."


def _parse(config, base_url, values, binding):
    from saml2.sigver import RSACrypto  # heavy: imported on first use, like sp.py

    client = client_for(config, base_url)
    # pysaml2 demands a signature on incoming requests only when this flag of the
    # IdP role is set; setting it on our SP config makes it verify the XML
    # signature (POST) or the query-string signature (redirect) against the
    # IdP's metadata certificate, and refuse an unsigned request.
    client.config._idp_want_authn_requests_signed = True
    # The redirect-binding check goes through pysaml2's RSA backend, which it only
    # builds when the SP has a private key of its own; verification uses the IdP's
    # certificate, never this (absent) key.
    if client.sec.sec_backend is None:
        client.sec.sec_backend = RSACrypto(None)
    try:
        request = client.parse_logout_request(
            values.get("SAMLRequest", ""),
            binding,
            relay_state=values.get("RelayState"),
            sigalg=values.get("SigAlg"),
            signature=values.get("Signature"),
        )
    except Exception as exc:
        logger.info("SAML logout request rejected: %s", type(exc).__name__)
        raise BadRequest(INVALID_MESSAGE) from exc
    issuer = request.message.issuer if request is not None else None
    if issuer is None or (issuer.text or "").strip() != config.idp_entity_id:
        raise BadRequest(INVALID_MESSAGE)
    return client, request


@transaction.atomic
def _end_sessions(config, name_id):
    """Revoke the SAML sessions of the member named by the logout request."""
    user = User.objects.filter(email=normalize_email(name_id)).first()
    if user is None or not config.organization.memberships.filter(user=user).exists():
        return 0
    sessions = Session.objects.active().filter(user=user, auth_method=AuthMethod.SAML)
    ended = 0
    for session in sessions:
        if revoke_session(session, "saml_logout"):
            record(AuditAction.LOGOUT, actor=user, target=session)
            ended += 1
    return ended


def handle_logout_request(config, base_url, values, binding):
    """Return the URL that carries our LogoutResponse back to the IdP, or None."""
    if not values.get("SAMLRequest"):
        raise BadRequest(INVALID_MESSAGE)
    client, request = _parse(config, base_url, values, binding)
    name_id = request.message.name_id
    ended = _end_sessions(config, name_id.text.strip() if name_id is not None else "")
    logger.info("SAML single logout ended %s sessions", ended)
    try:
        response = client.create_logout_response(
            request.message, bindings=[BINDING_HTTP_REDIRECT]
        )
        destination = response.destination
        info = client.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            values.get("RelayState", ""),
            response=True,
        )
    except Exception:
        # An IdP without a logout endpoint in its metadata gets no answer back.
        logger.info("SAML logout response not sent: no IdP logout endpoint")
        return None
    return dict(info["headers"])["Location"]
