"""The provider registry: which sign-in methods this deployment has configured."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from authy.api.errors import NotFound

PROVIDER_IDS = ("google", "github", "microsoft", "oidc")
OAUTH2 = "oauth2"
OIDC = "oidc"


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    type: str

    @property
    def uses_social_auth(self):
        return self.id != "oidc"


def _social_configured(name):
    prefix = f"SOCIAL_AUTH_{name.upper()}"
    return bool(
        getattr(settings, f"{prefix}_KEY", "")
        and getattr(settings, f"{prefix}_SECRET", "")
    )


def _oidc_configured():
    required = [
        settings.OIDC_RP_CLIENT_ID,
        settings.OIDC_RP_CLIENT_SECRET,
        settings.OIDC_ISSUER,
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        settings.OIDC_OP_TOKEN_ENDPOINT,
        settings.OIDC_OP_USER_ENDPOINT,
    ]
    if settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS")):
        required.append(settings.OIDC_OP_JWKS_ENDPOINT)
    return all(required)


def configured_providers():
    """Return the configured providers, in a stable order."""
    candidates = [
        (Provider("google", "Google", OIDC), _social_configured("google")),
        (Provider("github", "GitHub", OAUTH2), _social_configured("github")),
        (Provider("microsoft", "Microsoft", OIDC), _social_configured("microsoft")),
        (Provider("oidc", settings.OIDC_NAME, OIDC), _oidc_configured()),
    ]
    return [provider for provider, configured in candidates if configured]


def get_provider(provider_id):
    """Return a configured provider, or raise the API's 404."""
    for provider in configured_providers():
        if provider.id == provider_id:
            return provider
    raise NotFound("This sign-in provider is not configured.")


def absolute_url(request, path):
    """Build a URL on this server: `PUBLIC_URL` when set, else the request's host."""
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def login_url(request, provider_id):
    return absolute_url(request, reverse("federation-login", args=[provider_id]))


def callback_url(request, provider_id):
    return absolute_url(request, reverse("federation-callback", args=[provider_id]))
