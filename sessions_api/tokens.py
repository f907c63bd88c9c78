"""Bearer token generation and hashing."""

import hashlib
import secrets

# 32 random bytes = 256 bits, URL-safe text of 43 characters.
TOKEN_BYTES = 32


def new_token():
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token):
    """SHA-256 hex digest; the token is high-entropy, so no salt or stretching."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
