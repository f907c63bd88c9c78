"""Password hashers tuned by settings."""

from django.conf import settings
from django.contrib.auth.hashers import BCryptSHA256PasswordHasher


class GatehouseBCryptSHA256Hasher(BCryptSHA256PasswordHasher):
    """bcrypt over SHA-256 (no 72-byte truncation), cost from BCRYPT_ROUNDS.

    The algorithm name stays `bcrypt_sha256`, so hashes remain Django-compatible and
    a change of BCRYPT_ROUNDS upgrades stored hashes at the next login.
    """

    @property
    def rounds(self):
        return settings.BCRYPT_ROUNDS
