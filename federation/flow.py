"""The browser flow: remember where to return, start the provider, finish with a code.

The front-end `redirect_uri` and the account being linked (if any) ride the Django
session from the start request to the provider's callback; the libraries keep their
own state, nonce and PKCE verifier there too.
"""

import logging

import requests
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpResponseRedirect
from social_core.exceptions import (
    AuthCanceled,
    AuthInputError,
    AuthPolicyError,
    AuthProviderError,
    AuthSessionError,
    SocialAuthBaseException,
)

from audit.actions import AuditAction
from audit.services import record
from federation import oidc, social
from federation.codes import redirect_with_code, redirect_with_error
from federation.linking import FederationError
from federation.pipeline import LINK_USER_KWARG
from federation.providers import callback_url
from federation.redirects import with_params

logger = logging.getLogger(__name__)

SESSION_KEY_PREFIX = "authy/federation/flow/"


def remember(request, provider_id, redirect_uri, link_user_id=None):
    request.session[SESSION_KEY_PREFIX + provider_id] = {
        "redirect_uri": redirect_uri,
        "link_user_id": str(link_user_id) if link_user_id else None,
    }


def recall(request, provider_id):
    """Pop the flow started in this browser for `provider_id`, or None."""
    flow = request.session.pop(SESSION_KEY_PREFIX + provider_id, None)
    return flow if isinstance(flow, dict) and flow.get("redirect_uri") else None


def start(request, provider):
    """Return the library's redirect to the provider's authorization endpoint."""
    if provider.uses_social_auth:
        backend = social.load_backend(
            request, provider.id, callback_url(request, provider.id)
        )
        return backend.start()
    return oidc.start(request)


def _authenticate(request, provider, link_user_id):
    if provider.uses_social_auth:
        backend = social.load_backend(
            request, provider.id, callback_url(request, provider.id)
        )
        user = backend.complete(**{LINK_USER_KWARG: link_user_id})
    else:
        user = oidc.complete(request, link_user_id)
    if user is None or not hasattr(user, "pk"):
        raise FederationError("invalid_response")
    return user


def _failure(error):
    """Map an exception from a library or the account rules to (reason, detail)."""
    if isinstance(error, FederationError):
        return error.reason, error.reason
    detail = str(getattr(error, "code", None) or type(error).__name__)
    if isinstance(error, (AuthCanceled, AuthPolicyError)):
        return "access_denied", detail
    if isinstance(error, (AuthSessionError, AuthInputError)):
        return "invalid_state", detail
    if isinstance(error, AuthProviderError):
        return "provider_error", detail
    if isinstance(error, requests.RequestException):
        return "provider_unavailable", type(error).__name__
    return "invalid_response", detail


_EXPECTED_ERRORS = (
    FederationError,
    SocialAuthBaseException,
    SuspiciousOperation,
    requests.RequestException,
)


def finish(request, provider, flow):
    """Complete the provider's callback and return the redirect to the front end."""
    redirect_uri = flow["redirect_uri"]
    link_user_id = flow.get("link_user_id")
    try:
        user = _authenticate(request, provider, link_user_id)
    except _EXPECTED_ERRORS as error:
        return _refuse(provider.id, redirect_uri, error)
    except Exception as error:
        # A bug or an unexpected library error still returns the browser to the
        # front end instead of stranding it on a JSON page.
        logger.exception("Federated sign-in failed unexpectedly")
        return _refuse(provider.id, redirect_uri, error, reason="server_error")
    if link_user_id:
        return HttpResponseRedirect(with_params(redirect_uri, linked=provider.id))
    return _sign_in(user, provider.id, redirect_uri)


@transaction.atomic
def _sign_in(user, provider_id, redirect_uri):
    record(
        AuditAction.FEDERATED_LOGIN_SUCCEEDED,
        actor=user,
        target=user,
        metadata={"provider": provider_id},
    )
    return HttpResponseRedirect(redirect_with_code(redirect_uri, user, provider_id))


@transaction.atomic
def _refuse(provider_id, redirect_uri, error, reason=None):
    if reason is None:
        reason, detail = _failure(error)
    else:
        detail = type(error).__name__
    known = error if isinstance(error, FederationError) else None
    logger.info(
        "Federated sign-in refused",
        extra={"provider": provider_id, "reason": reason, "detail": detail},
    )
    record(
        AuditAction.FEDERATED_LOGIN_FAILED,
        actor=known.user if known else None,
        actor_email=known.email if known else "",
        metadata={"provider": provider_id, "reason": reason, "detail": detail},
        success=False,
    )
    return HttpResponseRedirect(redirect_with_error(redirect_uri, reason))
