"""Fake OAuth 2.0 / OpenID Connect providers at the HTTP level, for federation tests.

Each fake registers its real endpoints (discovery, authorization, token, userinfo,
JWKS) with `responses`, checks what Gatehouse sends to the token endpoint (client,
code, redirect URI, PKCE verifier) and answers real JSON; id_tokens are RS256 JWTs
signed with an RSA key generated here and published through the fake JWKS URL.
"""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, parse_qsl, urlsplit

import jwt
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

FRONTEND = "https://app.example.com/auth/callback"
KEY_ID = "test-key-1"
SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
# Same key id, different key: what a forger without the provider's key would send.
FORGED_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks():
    key = json.loads(RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    key.update(kid=KEY_ID, use="sig", alg="RS256")
    return {"keys": [key]}


def query_of(url):
    return dict(parse_qsl(urlsplit(url).query))


def s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class FakeProvider:
    """Shared behaviour; subclasses name the endpoints and the claims."""

    id = ""
    client_id = ""
    client_secret = "provider-secret-value"
    authorize_endpoint = ""
    token_endpoint = ""
    uses_id_token = True

    def __init__(self, subject="subject-1", email="ada@example.com", verified=True):
        self.subject = subject
        self.email = email
        self.verified = verified
        self.auth_request = {}
        self.token_requests = []
        self.claims_override = {}
        self.userinfo_override = {}
        self.key = SIGNING_KEY

    def authorized(self, location):
        """Record the authorization request the browser was sent with."""
        assert location.startswith(self.authorize_endpoint + "?"), location
        self.auth_request = query_of(location)
        return self.auth_request

    def id_token(self):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": self.subject,
            "iat": now,
            "exp": now + 300,
            **self.identity_claims(),
        }
        if "nonce" in self.auth_request:
            claims["nonce"] = self.auth_request["nonce"]
        claims.update(self.claims_override)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def _client_of(self, request, form):
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            return base64.b64decode(header[6:]).decode().split(":", 1)
        return form.get("client_id"), form.get("client_secret")

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append(form)
        client, secret = self._client_of(request, form)
        challenge = self.auth_request.get("code_challenge")
        if (
            client != self.client_id
            or secret != self.client_secret
            or form.get("code") != "provider-code"
            or form.get("redirect_uri") != self.auth_request.get("redirect_uri")
            or (challenge and s256(form.get("code_verifier", "")) != challenge)
        ):
            return 400, {}, json.dumps({"error": "invalid_grant"})
        body = {"access_token": "provider-access", "token_type": "Bearer"}
        if self.uses_id_token:
            body["id_token"] = self.id_token()
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def install(self, rsps):
        rsps.add_callback(responses.POST, self.token_endpoint, callback=self._token)


class GoogleFake(FakeProvider):
    id = "google"
    client_id = "google-client-id"
    issuer = "https://accounts.google.com"
    # The endpoints social-core's Google backend uses (they still answer at Google).
    authorize_endpoint = "https://accounts.google.com/o/oauth2/auth"
    token_endpoint = "https://accounts.google.com/o/oauth2/token"
    userinfo_endpoint = "https://openidconnect.googleapis.com/v1/userinfo"
    jwks_uri = "https://www.googleapis.com/oauth2/v3/certs"

    def configure(self, settings):
        settings.SOCIAL_AUTH_GOOGLE_KEY = self.client_id
        settings.SOCIAL_AUTH_GOOGLE_SECRET = self.client_secret

    def identity_claims(self):
        return {"email": self.email, "email_verified": self.verified}

    def install(self, rsps):
        super().install(rsps)
        rsps.add(
            responses.GET,
            "https://accounts.google.com/.well-known/openid-configuration",
            json={
                "issuer": self.issuer,
                "authorization_endpoint": self.authorize_endpoint,
                "token_endpoint": self.token_endpoint,
                "userinfo_endpoint": self.userinfo_endpoint,
                "jwks_uri": self.jwks_uri,
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
            },
        )
        rsps.add(responses.GET, self.jwks_uri, json=jwks())
        rsps.add_callback(
            responses.GET, self.userinfo_endpoint, callback=self._userinfo
        )

    def _userinfo(self, request):
        body = {
            "sub": self.subject,
            "email": self.email,
            "email_verified": self.verified,
            "name": "Ada Lovelace",
            **self.userinfo_override,
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


class OidcFake(GoogleFake):
    id = "oidc"
    client_id = "oidc-client-id"
    issuer = "https://idp.example.org"
    authorize_endpoint = "https://idp.example.org/authorize"
    token_endpoint = "https://idp.example.org/token"
    userinfo_endpoint = "https://idp.example.org/userinfo"
    jwks_uri = "https://idp.example.org/jwks"

    def configure(self, settings):
        settings.OIDC_NAME = "Example IdP"
        settings.OIDC_ISSUER = self.issuer
        settings.OIDC_RP_CLIENT_ID = self.client_id
        settings.OIDC_RP_CLIENT_SECRET = self.client_secret
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = self.authorize_endpoint
        settings.OIDC_OP_TOKEN_ENDPOINT = self.token_endpoint
        settings.OIDC_OP_USER_ENDPOINT = self.userinfo_endpoint
        settings.OIDC_OP_JWKS_ENDPOINT = self.jwks_uri

    def install(self, rsps):
        FakeProvider.install(self, rsps)
        rsps.add(responses.GET, self.jwks_uri, json=jwks())
        rsps.add_callback(
            responses.GET, self.userinfo_endpoint, callback=self._userinfo
        )


class MicrosoftFake(FakeProvider):
    id = "microsoft"
    client_id = "microsoft-client-id"
    tenant = "9188040d-6c67-4c5b-b112-36a304b66dad"
    issuer = f"https://login.microsoftonline.com/{tenant}/v2.0"
    base = "https://login.microsoftonline.com/common"
    authorize_endpoint = base + "/oauth2/v2.0/authorize"
    token_endpoint = base + "/oauth2/v2.0/token"
    jwks_uri = base + "/discovery/v2.0/keys"

    def configure(self, settings):
        settings.SOCIAL_AUTH_MICROSOFT_KEY = self.client_id
        settings.SOCIAL_AUTH_MICROSOFT_SECRET = self.client_secret
        settings.SOCIAL_AUTH_MICROSOFT_TENANT_ID = "common"

    def identity_claims(self):
        claims = {"tid": self.tenant, "email": self.email, "name": "Ada Lovelace"}
        if self.verified:
            claims["xms_edov"] = True
        return claims

    def install(self, rsps):
        super().install(rsps)
        rsps.add(
            responses.GET,
            self.base + "/v2.0/.well-known/openid-configuration",
            json={
                "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0",
                "authorization_endpoint": self.authorize_endpoint,
                "token_endpoint": self.token_endpoint,
                "jwks_uri": self.jwks_uri,
            },
        )
        rsps.add(responses.GET, self.jwks_uri, json=jwks())


class MicrosoftTenantFake(MicrosoftFake):
    """Entra ID configured for one tenant: its discovery names one exact issuer."""

    base = f"https://login.microsoftonline.com/{MicrosoftFake.tenant}"
    authorize_endpoint = base + "/oauth2/v2.0/authorize"
    token_endpoint = base + "/oauth2/v2.0/token"
    jwks_uri = base + "/discovery/v2.0/keys"

    def configure(self, settings):
        super().configure(settings)
        settings.SOCIAL_AUTH_MICROSOFT_TENANT_ID = self.tenant

    def install(self, rsps):
        FakeProvider.install(self, rsps)
        rsps.add(
            responses.GET,
            self.base + "/v2.0/.well-known/openid-configuration",
            json={
                "issuer": self.issuer,
                "authorization_endpoint": self.authorize_endpoint,
                "token_endpoint": self.token_endpoint,
                "jwks_uri": self.jwks_uri,
            },
        )
        rsps.add(responses.GET, self.jwks_uri, json=jwks())


class GitHubFake(FakeProvider):
    id = "github"
    client_id = "github-client-id"
    authorize_endpoint = "https://github.com/login/oauth/authorize"
    token_endpoint = "https://github.com/login/oauth/access_token"
    uses_id_token = False

    def __init__(self, subject="4242", **kwargs):
        super().__init__(subject=subject, **kwargs)

    def configure(self, settings):
        settings.SOCIAL_AUTH_GITHUB_KEY = self.client_id
        settings.SOCIAL_AUTH_GITHUB_SECRET = self.client_secret

    def install(self, rsps):
        super().install(rsps)
        rsps.add(
            responses.GET,
            "https://api.github.com/user",
            json={
                "id": int(self.subject),
                "login": "ada",
                "name": "Ada",
                "email": None,
            },
        )
        rsps.add_callback(
            responses.GET, "https://api.github.com/user/emails", callback=self._emails
        )

    def _emails(self, request):
        assert request.headers["Authorization"] == "token provider-access"
        body = [
            {"email": "old@example.net", "primary": False, "verified": True},
            {"email": self.email, "primary": True, "verified": self.verified},
        ]
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


FAKES = {fake.id: fake for fake in (GoogleFake, OidcFake, MicrosoftFake, GitHubFake)}


def begin(client, provider_id, redirect_uri=FRONTEND, **params):
    """Start the browser flow; return the response."""
    return client.get(
        f"/api/v1/auth/{provider_id}/login",
        {"redirect_uri": redirect_uri, **params},
    )


def complete(client, provider_id, state, code="provider-code"):
    return client.get(
        f"/api/v1/auth/{provider_id}/callback", {"state": state, "code": code}
    )


def sign_in(client, fake, **params):
    """Run the whole browser flow against `fake`; return the final response."""
    started = begin(client, fake.id, **params)
    assert started.status_code == 302, started.content
    fake.authorized(started["Location"])
    return complete(client, fake.id, fake.auth_request["state"])
