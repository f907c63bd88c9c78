"""Shared fixtures: API clients, user and session factories, a clean cache."""

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from sessions_api.services import create_session

# Every test runs under the audit secret scan (see tests/audit_guard.py).
pytest_plugins = ["tests.audit_guard", "tests.saml_idp"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PASSWORD = "Correct-Horse-Battery-9"
_emails = itertools.count(1)
# Variables this test process set or inherited that a "fresh" process must not see.
_TEST_ONLY_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "DEBUG",
}


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_factory(db, django_user_model):
    def make(email=None, password=DEFAULT_PASSWORD, **fields):
        email = email or f"user{next(_emails)}@example.com"
        fields.setdefault("email_verified", True)
        return django_user_model.objects.create_user(email, password, **fields)

    return make


@pytest.fixture
def user(user_factory):
    return user_factory(full_name="Ada Lovelace")


@pytest.fixture
def client_for():
    """Return an APIClient carrying a fresh bearer token for the given user."""

    def make(user, **session_options):
        session, token = create_session(user, **session_options)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        client.session_id = session.id
        client.token = token
        return client

    return make


@pytest.fixture
def auth_client(client_for, user):
    return client_for(user)


@pytest.fixture
def staff(user_factory):
    return user_factory("staff@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff):
    """Django's test client logged in to the admin as a superuser."""
    client.force_login(staff)
    return client


def run_django(code, env=None, timeout=60):
    """Run Python `code` in a fresh interpreter with Django set up from `env`.

    Used where a test must see settings as a real process would (production
    settings, a dead database), not as the test process already loaded them.
    """
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in _TEST_ONLY_VARIABLES
    }
    base.update({"DJANGO_SETTINGS_MODULE": "authy.settings", "PYTHONPATH": str(ROOT)})
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
