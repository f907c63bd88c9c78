"""Test settings: production settings with a fast hasher and test-only secrets."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k3y" * 20)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from authy.settings import *  # noqa: E402,F401,F403
from authy.settings import PASSWORD_HASHERS  # noqa: E402

# bcrypt at cost 12 would dominate the suite's run time; tests that are about hashing
# switch back to the production list explicitly.
PRODUCTION_PASSWORD_HASHERS = PASSWORD_HASHERS
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

RATELIMIT_ENABLE = os.environ.get("TEST_RATELIMIT_ENABLE", "0") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
