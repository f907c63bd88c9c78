"""Scale-out configuration: deploy checks with shared services, gunicorn from env."""

import json

from tests.conftest import ROOT, run_django
from tests.test_settings import PRODUCTION

# The variables of a multi-host deployment; nothing is contacted by these checks.
SCALE_OUT = {
    **PRODUCTION,
    "DATABASE_URL": "postgres://gatehouse:secret@db.internal:5432/gatehouse",
    "REDIS_URL": "redis://cache.internal:6379/3",
    "TRUSTED_PROXY_COUNT": "1",
}

_GUNICORN = """
import json, runpy
config = runpy.run_path("gunicorn.conf.py")
keys = ["bind", "workers", "timeout", "preload_app", "control_socket_disable"]
values = {key: config[key] for key in keys}
print(json.dumps(values | {"log": config["access_log_format"]}))
"""


def test_check_deploy_is_clean_with_postgres_and_redis_urls():
    code = (
        "import json, django; django.setup(); "
        "from django.conf import settings; from django.core.cache import caches; "
        "from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING'); "
        "c = settings.CACHES['default']; o = settings.DATABASES['default']['OPTIONS']; "
        "print(json.dumps([c['BACKEND'], c['LOCATION'], "
        "type(caches['default']).__name__, settings.RATELIMIT_FAIL_OPEN, "
        "o['connect_timeout'], o['tcp_user_timeout']]))"
    )

    result = run_django(code, SCALE_OUT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert json.loads(result.stdout.splitlines()[-1]) == [
        "authy.cache.ResilientRedisCache",
        "redis://cache.internal:6379/3",
        "ResilientRedisCache",
        True,
        5,
        8000,
    ]


def test_gunicorn_takes_bind_and_workers_from_the_environment():
    env = {"BIND": "127.0.0.1:9123", "WEB_CONCURRENCY": "7", "GUNICORN_TIMEOUT": "20"}

    result = run_django(_GUNICORN, env)

    config = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr
    assert config["bind"] == "127.0.0.1:9123"
    assert config["workers"] == 7
    assert config["timeout"] == 20
    assert config["preload_app"] is True
    assert config["control_socket_disable"] is True
    assert config["log"].endswith("rid=%({x-request-id}o)s")
    assert (ROOT / "gunicorn.conf.py").exists()
