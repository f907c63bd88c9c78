"""Health: 200 healthy with both checks, 503 envelope when the database is down."""

import json

import pytest

from tests.conftest import run_django

_PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/api/health", HTTP_HOST="localhost")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.django_db
def test_health_reports_database_and_cache(api_client):
    response = api_client.get("/api/health")

    data = response.json()["data"]
    assert response.status_code == 200
    assert data["status"] == "healthy"
    assert data["service"] == "gatehouse"
    assert data["version"]
    assert data["checks"] == {"database": "ok", "cache": "ok"}


def test_health_is_503_when_the_database_is_unreachable():
    # Port 9 on loopback has nothing listening: the connection is refused at once.
    env = {"DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:9/gatehouse"}

    result = run_django(_PROBE, env)

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 503
    assert outcome["body"]["error"]["type"] == "SERVICE_UNAVAILABLE"
    assert outcome["body"]["error"]["details"]["checks"]["database"] == "unavailable"


def test_health_is_degraded_when_only_the_cache_is_down(tmp_path):
    env = {
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'health.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }

    result = run_django(_PROBE, env)

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 200
    assert outcome["body"]["data"]["status"] == "degraded"
    assert outcome["body"]["data"]["checks"] == {
        "database": "ok",
        "cache": "unavailable",
    }
