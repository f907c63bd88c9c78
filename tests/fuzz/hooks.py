"""Schemathesis hooks: a real bearer token that survives fuzzed logouts."""

import os

import requests
import schemathesis

BASE_URL = os.environ.get("FUZZ_BASE_URL", "")
_PUBLIC = (
    r"^/api/(health|schema/|docs/|redoc/)"
    r"|^/api/v1/auth/(login|register|exchange|providers|saml/)"
)


@schemathesis.auth(refresh_interval=600, retry_on=[401]).skip_for(path_regex=_PUBLIC)
class GatehouseLogin:
    """Log in as the fuzzing user; log in again whenever a request gets 401.

    A fuzzed `POST /auth/logout` or session revocation ends the current token, and the
    next authenticated case would then test nothing but the 401 path.
    """

    def get(self, case, ctx):
        response = requests.post(
            f"{BASE_URL}/api/v1/auth/login",
            json={
                "email": os.environ["FUZZ_EMAIL"],
                "password": os.environ["FUZZ_PASSWORD"],
            },
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["data"]["token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
