"""mozilla-django-oidc glue for the generic OpenID Connect provider.

The library builds the authorization request (state, nonce, PKCE), trades the code
and verifies the id_token's signature and nonce. Gatehouse tightens the token check
to the audience, issuer, expiry and required claims, sends the callback URL that
honours `PUBLIC_URL`, keeps provider tokens out of the session, and hands the claims
to the account rules instead of matching users by email.
"""

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from federation.linking import FederatedProfile, FederationError, resolve_user
from federation.pipeline import oidc_email
from federation.providers import callback_url

PROVIDER_ID = "oidc"
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat"]
STATES_SESSION_KEY = "oidc_states"
INVALID_RESPONSE = "invalid_response"
INVALID_STATE = "invalid_state"


class GatehouseOIDCStartView(OIDCAuthenticationRequestView):
    """The library's authorization request, with Gatehouse's callback URL."""

    def get_extra_params(self, request):
        params = dict(super().get_extra_params(request))
        params["redirect_uri"] = callback_url(request, PROVIDER_ID)
        return params


class GatehouseOIDCBackend(OIDCAuthenticationBackend):
    """Used directly by the callback view; never listed in AUTHENTICATION_BACKENDS."""

    def __init__(self, callback, link_user_id=None):
        super().__init__()
        self.callback = callback
        self.link_user_id = link_user_id

    def _verify_jws(self, payload, key):
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
            if algorithm != self.OIDC_RP_SIGN_ALGO:
                raise SuspiciousOperation("Unexpected id_token algorithm.")
            return jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation("The id_token is not valid.") from error

    def get_token(self, payload):
        payload["redirect_uri"] = self.callback
        return super().get_token(payload)

    def store_tokens(self, access_token, id_token):
        """Keep provider tokens out of the session: Gatehouse never uses them."""

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
            # UserInfo must describe the subject the signed id_token names.
            raise FederationError(INVALID_RESPONSE)
        claims = {**payload, **userinfo}
        email, verified = oidc_email(claims)
        profile = FederatedProfile(
            provider=PROVIDER_ID,
            subject=payload["sub"],
            email=email,
            email_verified=verified,
            full_name=claims.get("name") or "",
        )
        return resolve_user(profile, self.link_user_id)


def start(request):
    """Redirect the browser to the provider (the library stores state and nonce)."""
    return GatehouseOIDCStartView.as_view()(request)


def complete(request, link_user_id=None):
    """Finish the flow; return the user or raise FederationError / library errors."""
    state, code = request.GET.get("state"), request.GET.get("code")
    states = request.session.get(STATES_SESSION_KEY) or {}
    # The state is spent before anything else, so a replay finds nothing.
    entry = states.pop(state, None) if isinstance(state, str) else None
    request.session[STATES_SESSION_KEY] = states
    request.session.save()
    if request.GET.get("error"):
        raise FederationError("access_denied")
    if entry is None or not code:
        raise FederationError(INVALID_STATE)
    backend = GatehouseOIDCBackend(callback_url(request, PROVIDER_ID), link_user_id)
    user = backend.authenticate(
        request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
    )
    if user is None:
        raise FederationError(INVALID_RESPONSE)
    return user
