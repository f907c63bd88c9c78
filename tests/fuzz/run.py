"""Fuzz every operation of a live Gatehouse server with schemathesis.

Starts one gunicorn process on a fresh database (a SQLite file, or a PostgreSQL
database named after DATABASE_URL's with a `_fuzz` suffix), creates a user and an
organization to fuzz as, then runs schemathesis twice: authenticated with a real
bearer token, and unauthenticated. Exits non-zero when either run finds a failure.

    .venv/bin/python tests/fuzz/run.py --examples 15 --seed 20261203
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
PHASES = "examples,coverage,fuzzing,stateful"
FUZZ_EMAIL = "fuzzer@example.com"

_SETUP = """
from accounts.models import User
from organizations.models import Membership, Organization
user = User.objects.create_user({email!r}, {password!r}, email_verified=True)
org = Organization.objects.create(name="Fuzz Org", slug="fuzz-org", created_by=user)
Membership.objects.create(organization=org, user=user, role="owner")
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database_url(workdir):
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir}/fuzz.sqlite3"
    parts = urlsplit(base)
    name = parts.path.lstrip("/") + "_fuzz"
    admin = urlunsplit(parts._replace(path="/postgres"))
    import psycopg

    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1)) as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def server_env(database_url, bcrypt_rounds):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="authy.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DATABASE_URL=database_url,
        BCRYPT_ROUNDS=str(bcrypt_rounds),
        # The fuzzer logs in far more often than any person; the limits themselves
        # are tested elsewhere and would only turn most cases into 429s here.
        RATELIMIT_LOGIN="100000/m",
        RATELIMIT_REGISTER="100000/m",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(env, password):
    manage = [str(BIN / "python"), "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    setup = _SETUP.format(email=FUZZ_EMAIL, password=password)
    subprocess.run([*manage, "shell", "-c", setup], cwd=ROOT, env=env, check=True)


def start_server(env, port):
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "authy.wsgi"],
        cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=10)
            return server
        except OSError:  # refused while booting, or a slow first answer
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("The server under test did not start.")


def run_schemathesis(base_url, args, authenticated, password, report_dir):
    env = dict(os.environ)
    env.pop("SCHEMATHESIS_HOOKS", None)
    if authenticated:
        env.update(
            SCHEMATHESIS_HOOKS="tests.fuzz.hooks",
            FUZZ_BASE_URL=base_url,
            FUZZ_EMAIL=FUZZ_EMAIL,
            FUZZ_PASSWORD=password,
            PYTHONPATH=str(ROOT),
        )
    label = "authenticated" if authenticated else "unauthenticated"
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        CHECKS,
        "--phases",
        args.phases,
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(Path(report_dir) / f"fuzz-{label}.xml"),
    ]
    print(f"\n==> schemathesis, {label}: {' '.join(command[2:])}", flush=True)
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--phases", default=PHASES)
    parser.add_argument("--bcrypt-rounds", type=int, default=12)
    parser.add_argument("--report-dir", default=str(ROOT / "var" / "fuzz"))
    args = parser.parse_args()
    Path(args.report_dir).mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory() as workdir:
        env = server_env(fresh_database_url(workdir), args.bcrypt_rounds)
        prepare(env, password)
        port = free_port()
        server = start_server(env, port)
        base_url = f"http://127.0.0.1:{port}"
        try:
            results = [
                run_schemathesis(base_url, args, True, password, args.report_dir),
                run_schemathesis(base_url, args, False, password, args.report_dir),
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
    failed = [code for code in results if code != 0]
    print(f"\nfuzzing: {len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
