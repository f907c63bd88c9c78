"""social-auth glue: the strategy and the Google, GitHub and Microsoft backends.

Each backend is the library's own class renamed to the Gatehouse provider id, so its
settings read `SOCIAL_AUTH_<ID>_*` and its state lives under its own session keys.
"""

from social_core.backends.azuread_tenant import AzureADV2TenantOAuth2
from social_core.backends.github import GithubOAuth2
from social_core.backends.google_openidconnect import GoogleOpenIdConnect
from social_core.backends.oauth import BaseOAuth2PKCE
from social_django.models import DjangoStorage
from social_django.strategy import DjangoStrategy


class GatehouseStrategy(DjangoStrategy):
    """Run a backend's pipeline directly instead of through Django's auth backends.

    Keeping the social backends out of `AUTHENTICATION_BACKENDS` means no provider
    can answer `django.contrib.auth.authenticate()`, which the admin login uses.
    """

    def authenticate(self, backend, **kwargs):
        kwargs.update(strategy=self, storage=self.storage, backend=backend)
        kwargs.pop("request", None)
        # Django's authenticate() passes the request first; the pipeline expects it.
        return backend.authenticate(self.request, **kwargs)


class GoogleBackend(GoogleOpenIdConnect):
    """Google through OpenID Connect, so the id_token is verified, not just trusted."""

    name = "google"
    # Google issues both spellings; see its OpenID Connect documentation.
    ISSUERS = ["https://accounts.google.com", "accounts.google.com"]

    def id_token_issuer(self):
        return self.ISSUERS

    def validate_email_verified(self, response):
        # The account rules decide what an unverified address may do (an explicit
        # link from a signed-in session is allowed), with one uniform error code.
        return None


class GitHubBackend(GithubOAuth2, BaseOAuth2PKCE):
    """GitHub OAuth with PKCE; the verified primary address comes from /user/emails."""

    name = "github"


class MicrosoftBackend(AzureADV2TenantOAuth2):
    """Microsoft Entra ID (v2.0 endpoints); `MICROSOFT_TENANT` picks the tenant."""

    name = "microsoft"
    DEFAULT_SCOPE = ["openid", "profile", "email"]


BACKENDS = {
    "google": GoogleBackend,
    "github": GitHubBackend,
    "microsoft": MicrosoftBackend,
}


def load_backend(request, provider_id, redirect_uri):
    """Return the provider's backend bound to this request and callback URL."""
    strategy = GatehouseStrategy(DjangoStorage, request)
    return BACKENDS[provider_id](strategy, redirect_uri)
