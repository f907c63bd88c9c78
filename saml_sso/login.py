"""The SAML sign-in flow: discovery, the AuthnRequest, and the assertion consumer."""

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

from accounts.emails import normalize_email
from accounts.models import User
from audit.actions import AuditAction
from audit.services import record
from authy.api.errors import BadRequest, NotFound
from federation.codes import redirect_with_code, redirect_with_error
from federation.redirects import is_allowed_redirect, with_params
from organizations.models import Membership, Role
from saml_sso.app_settings import app_settings
from saml_sso.assertions import asserted_email, asserted_full_name
from saml_sso.domains import email_domain
from saml_sso.models import SamlAssertionUse, SamlConfig, SamlDomain, SamlPendingLogin
from saml_sso.sp import client_for, sp_urls
from sessions_api.models import AuthMethod
from sessions_api.tokens import hash_token

logger = logging.getLogger(__name__)

UNROUTABLE_MESSAGE = "This SAML response does not answer a sign-in started here."
# How long an assertion id is remembered when the assertion names no expiry.
_DEFAULT_ASSERTION_LIFETIME = timedelta(hours=24)


class SamlLoginRefused(Exception):
    """A SAML response that must not sign anyone in; `reason` goes to the front end."""

    def __init__(self, reason, email=""):
        super().__init__(reason)
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class _Route:
    redirect_uri: str | None
    outstanding: dict
    unsolicited: bool


def config_for_slug(slug):
    config = (
        SamlConfig.objects.select_related("organization")
        .filter(organization__slug=slug, organization__is_active=True)
        .first()
    )
    if config is None:
        raise NotFound("No SAML sign-in is configured for this organization.")
    return config


def discover(email, redirect_uri, base_url):
    """Return the SAML login URL for `email`'s verified domain, or None.

    Only the domain is looked at, never the account, so the answer and its cost
    are the same whether or not the address belongs to a user.
    """
    domain = email_domain(normalize_email(email))
    owner = (
        SamlDomain.objects.select_related("config__organization")
        .filter(
            domain=domain,
            verified_at__isnull=False,
            config__organization__is_active=True,
        )
        .first()
    )
    if owner is None:
        return None
    login_url = sp_urls(owner.config.organization.slug, base_url).login_url
    return with_params(login_url, redirect_uri=redirect_uri)


def start_login(config, base_url, redirect_uri):
    """Remember a new AuthnRequest and return the IdP URL to send the browser to."""
    client = client_for(config, base_url)
    relay_state = secrets.token_urlsafe(32)
    request_id, info = client.prepare_for_authenticate(
        entityid=config.idp_entity_id,
        relay_state=relay_state,
        binding=BINDING_HTTP_REDIRECT,
    )
    now = timezone.now()
    SamlPendingLogin.objects.filter(expires_at__lt=now).delete()
    SamlPendingLogin.objects.create(
        relay_state_hash=hash_token(relay_state),
        request_id=request_id,
        config=config,
        redirect_uri=redirect_uri,
        expires_at=now + timedelta(seconds=app_settings.REQUEST_TTL),
    )
    return dict(info["headers"])["Location"]


def _take_pending(config, relay_state):
    """Consume the pending login of `relay_state`: each one answers once."""
    if not relay_state or len(relay_state) > 256:
        return None
    pending = SamlPendingLogin.objects.filter(
        relay_state_hash=hash_token(relay_state),
        config=config,
        expires_at__gt=timezone.now(),
    ).first()
    if pending is None:
        return None
    deleted, _ = SamlPendingLogin.objects.filter(pk=pending.pk).delete()
    return pending if deleted else None


def _route(config, relay_state):
    pending = _take_pending(config, relay_state)
    if pending is not None:
        return _Route(
            pending.redirect_uri, {pending.request_id: pending.redirect_uri}, False
        )
    # IdP-initiated sign-in: the IdP's default relay state names the front end.
    redirect_uri = relay_state if is_allowed_redirect(relay_state) else None
    return _Route(redirect_uri, {}, True)


def _parse(config, base_url, saml_response, route):
    if route.unsolicited and not config.allow_idp_initiated:
        raise SamlLoginRefused("unsolicited_response")
    client = client_for(config, base_url, allow_unsolicited=route.unsolicited)
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=route.outstanding
        )
    except Exception as exc:
        # pysaml2 signals every kind of bad response with its own exception class.
        logger.info("SAML response rejected by pysaml2: %s", type(exc).__name__)
        raise SamlLoginRefused("invalid_response") from exc
    if response is None or response.assertion is None:
        raise SamlLoginRefused("invalid_response")
    if not _issued_by(response, config.idp_entity_id):
        raise SamlLoginRefused("invalid_response")
    if route.unsolicited and response.in_response_to:
        # A response to some other request is not an IdP-initiated sign-in.
        raise SamlLoginRefused("unsolicited_response")
    return response


def _issued_by(response, entity_id):
    """True when the assertion, and the response if it names one, come from the IdP."""
    issuer = response.assertion.issuer
    if issuer is None or (issuer.text or "").strip() != entity_id:
        return False
    return response.issuer() in ("", entity_id)


def _remember_assertions(issuer, response):
    """Refuse an assertion seen before; remember it until it expires."""
    now = timezone.now()
    if response.not_on_or_after:
        expires_at = datetime.fromtimestamp(response.not_on_or_after, tz=UTC)
    else:
        expires_at = now + _DEFAULT_ASSERTION_LIFETIME
    expires_at += timedelta(seconds=app_settings.CLOCK_SKEW)
    SamlAssertionUse.objects.filter(expires_at__lt=now).delete()
    for assertion in response.assertions or [response.assertion]:
        try:
            with transaction.atomic():
                SamlAssertionUse.objects.create(
                    issuer=issuer, assertion_id=assertion.id, expires_at=expires_at
                )
        except IntegrityError as exc:
            raise SamlLoginRefused("replayed_assertion") from exc


def _find_or_create_user(email, full_name):
    user = User.objects.filter(email=email).first()
    created = False
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, None, email_verified=True, full_name=full_name[:150]
                )
                created = True
        except IntegrityError:
            # The same person signed in twice at once; the other request created it.
            user = User.objects.get(email=email)
    if not user.is_active:
        raise SamlLoginRefused("account_disabled", email)
    return user, created


def _accept(config, response):
    email = asserted_email(response)
    if not email:
        raise SamlLoginRefused("email_missing")
    verified = config.domains.filter(
        domain=email_domain(email), verified_at__isnull=False
    ).exists()
    if not verified:
        raise SamlLoginRefused("email_domain_not_allowed", email)
    user, created = _find_or_create_user(email, asserted_full_name(response))
    _, joined = Membership.objects.get_or_create(
        organization=config.organization, user=user, defaults={"role": Role.MEMBER}
    )
    record(
        AuditAction.SAML_LOGIN_SUCCEEDED,
        actor=user,
        organization_id=config.organization_id,
        target=user,
        metadata={"user_created": created, "membership_created": joined},
    )
    return user


def complete_login(config, base_url, saml_response, relay_state):
    """Check a posted SAML response; return the front-end URL to redirect to.

    A refusal is audited and sent to the front end as `error=`; a response that
    names no front end we know is answered with a 400 instead.
    """
    route = _route(config, relay_state)
    try:
        if route.redirect_uri is None:
            raise SamlLoginRefused("unknown_relay_state")
        response = _parse(config, base_url, saml_response, route)
        with transaction.atomic():
            _remember_assertions(config.idp_entity_id, response)
            user = _accept(config, response)
            return redirect_with_code(route.redirect_uri, user, AuthMethod.SAML)
    except SamlLoginRefused as refusal:
        _record_refusal(config, refusal)
        if route.redirect_uri is None:
            raise BadRequest(UNROUTABLE_MESSAGE) from refusal
        return redirect_with_error(route.redirect_uri, refusal.reason)


def _record_refusal(config, refusal):
    logger.info(
        "SAML sign-in refused: %s",
        refusal.reason,
        extra={"org": str(config.organization_id)},
    )
    known = User.objects.filter(email=refusal.email).first() if refusal.email else None
    record(
        AuditAction.SAML_LOGIN_FAILED,
        actor=known,
        actor_email=refusal.email,
        organization_id=config.organization_id,
        metadata={"reason": refusal.reason},
        success=False,
    )
