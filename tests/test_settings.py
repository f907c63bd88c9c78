"""Production settings: no weak secrets, a clean `check --deploy`, bcrypt cost 12."""

import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from authy.env import env_bool
from tests.conftest import ROOT, run_django

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "pr0duction-" + "Zq8" * 20,
    "ALLOWED_HOSTS": "auth.example.com",
}
_CHECK = "import django; django.setup(); print('started')"


def test_missing_secret_key_stops_start_up_with_one_line():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]

    result = run_django(_CHECK, env)

    assert result.returncode == 1
    assert "started" not in result.stdout
    assert result.stderr.strip().count("\n") == 0
    assert "set SECRET_KEY" in result.stderr


def test_development_secret_key_is_refused_without_debug():
    env = {**PRODUCTION, "SECRET_KEY": "django-insecure-" + "a1b2c3" * 10}

    result = run_django(_CHECK, env)

    assert result.returncode == 1
    assert "set SECRET_KEY" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = run_django(_CHECK, {"DEBUG": "1"})

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_check_deploy_is_clean_with_production_variables():
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', "
        "'--fail-level', 'WARNING'])"
    )

    result = run_django(code, PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_hashes_with_bcrypt_sha256_at_cost_12():
    code = (
        "import django; django.setup(); "
        "from django.contrib.auth.hashers import get_hasher, make_password; "
        "h = get_hasher(); print(h.algorithm, h.rounds, make_password('x' * 100)[:30])"
    )

    result = run_django(code, PRODUCTION)

    algorithm, rounds, encoded = result.stdout.split()
    assert algorithm == "bcrypt_sha256"
    assert int(rounds) >= 12
    assert encoded.startswith("bcrypt_sha256$$2b$12$")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("False", False),
        ("yes", True),
        ("no", False),
    ],
)
def test_boolean_variables_accept_the_documented_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG") is expected


def test_a_boolean_variable_with_another_spelling_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_manage_py_is_executable_from_the_repository_root():
    assert (ROOT / "manage.py").exists()
    assert sys.executable
