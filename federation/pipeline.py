"""The social-auth pipeline step that applies Gatehouse's account rules."""

from federation.linking import FederatedProfile
from federation.linking import resolve_user as resolve_account

LINK_USER_KWARG = "gatehouse_link_user_id"


def _is_true(value):
    """Read a boolean claim; some providers send "true" or "1" instead of true."""
    return value is True or (
        isinstance(value, (str, int)) and str(value).lower() in {"true", "1"}
    )


def _github_email(response):
    """Return GitHub's primary address and whether GitHub has verified it."""
    for entry in response.get("emails") or []:
        if isinstance(entry, dict) and entry.get("primary"):
            return entry.get("email") or "", _is_true(entry.get("verified"))
    return response.get("email") or "", False


def _claims(backend, response):
    claims = dict(getattr(backend, "id_token", None) or {})
    claims.update(response)
    return claims


def oidc_email(claims):
    # Entra ID only asserts ownership through `xms_edov` (an optional claim the
    # app registration must request); other providers send `email_verified`.
    verified = _is_true(claims.get("email_verified")) or _is_true(
        claims.get("xms_edov")
    )
    return claims.get("email") or "", verified


def profile_from_social(backend, uid, details, response):
    """Build the provider-neutral profile from what the backend validated."""
    if backend.name == "github":
        email, verified = _github_email(response)
    else:
        email, verified = oidc_email(_claims(backend, response))
    return FederatedProfile(
        provider=backend.name,
        subject=uid,
        email=email,
        email_verified=verified,
        full_name=details.get("fullname") or "",
    )


def resolve_user(backend, uid, details, response, *args, **kwargs):
    """Find, link or create the Gatehouse user; failures raise FederationError."""
    profile = profile_from_social(backend, uid, details, response)
    return {"user": resolve_account(profile, kwargs.get(LINK_USER_KWARG))}
