"""Real processes for the scale-out and outage tests: gunicorn, Redis, a cuttable link.

Each helper starts something the test can stop and start again: a gunicorn server
with production settings, a private `redis-server` on a free port, and a TCP proxy in
front of a service whose link the test can cut (the shared PostgreSQL itself is
never stopped). Everything binds to 127.0.0.1 on ports the OS hands out.
"""

import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import requests
from django.db import connection

from tests.conftest import ROOT

# Every request of these tests must be answered well within this; the bound.
ANSWER_WITHIN = 15.0
PASSWORD = "Correct-Horse-Battery-9"

needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI's services pass)",
)
needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="needs the redis-server binary to start a private Redis it can stop",
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


class RedisProcess:
    """A private redis-server the test may kill, pause, flush and start again."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def url(self, db, port=None):
        return f"redis://127.0.0.1:{port or self.port}/{db}"

    def client(self, db=0):
        import redis

        return redis.Redis(port=self.port, db=db, socket_timeout=2)

    def start(self):
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if not _wait_for(self._answers, 10):
            raise RuntimeError("private redis-server did not start")

    def _answers(self):
        try:
            return self.client().ping()
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def pause(self):
        # A stopped process keeps its data and its listening socket: connections
        # are accepted by the kernel and then hang, like a wedged server.
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


class TcpLink:
    """A TCP proxy to a service; `cut()` makes the service unreachable from behind it.

    Cutting closes the listening socket and every open connection, which is what
    the application sees when the service stops or the network between fails:
    reset connections, refused connects. The service itself keeps running with
    its data, so `restore()` brings back exactly what was there.
    """

    def __init__(self, host, port):
        self.target = (host, int(port))
        self.port = free_port()
        self._listener = None
        self._pairs = []
        self._stalled = False
        self._lock = threading.Lock()

    def restore(self):
        self._stalled = False
        self._close_connections()
        if self._listener:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        listener, self._listener = self._listener, None
        if listener:
            # shutdown() wakes the thread blocked in accept(); close() alone would
            # leave the socket accepting until that call returned.
            _close(listener)
        self._close_connections()

    def stall(self):
        """Accept connections but pass nothing on: a service that never answers."""
        self._stalled = True
        self._close_connections()

    def _close_connections(self):
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock)

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self._stalled:
                with self._lock:
                    self._pairs.append((client,))
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(
                target=self._pump, args=(client, upstream), daemon=True
            ).start()

    @staticmethod
    def _pump(client, upstream):
        sockets = [client, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 1.0)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (upstream if sock is client else client).sendall(data)
        except (OSError, ValueError):
            _close(client)
            _close(upstream)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def test_database_url(port=None):
    """The URL of the database pytest-django created, optionally through a proxy."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = settings["HOST"] or "127.0.0.1"
    return (
        f"postgres://{credentials}{'127.0.0.1' if port else host}:"
        f"{port or settings['PORT'] or 5432}/{settings['NAME']}"
    )


test_database_url.__test__ = False  # a helper, not a test


class Server:
    """One gunicorn process tree serving Gatehouse with production settings."""

    def __init__(self, name, log_dir, **env):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}.log"
        self.env = {
            "DJANGO_SETTINGS_MODULE": "authy.settings",
            "PYTHONPATH": str(ROOT),
            "PATH": os.environ.get("PATH", ""),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            # The cost factor is about password storage, not about these tests.
            "BCRYPT_ROUNDS": "4",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        self.process = None

    def start(self):
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "authy.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def wait_ready(self):
        if not _wait_for(self._listening, 60, 0.2):
            self.stop()
            raise RuntimeError(f"server {self.name} did not start:\n{self.log()}")
        return self

    def _listening(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"server {self.name} exited:\n{self.log()}")
        try:
            requests.get(self.base + "/api/health", timeout=ANSWER_WITHIN)
            return True
        except requests.RequestException:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            # The tests need no graceful drain, and gunicorn's own shutdown waits
            # seconds for its master: end the whole process group at once.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def log(self):
        return self.log_path.read_text(errors="replace")


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict
    seconds: float
    request_id: str

    @property
    def data(self):
        return self.body.get("data", {})

    @property
    def error_type(self):
        return self.body.get("error", {}).get("type")


class Api:
    """A tiny HTTP client that records how long each answer took."""

    def __init__(self, ip=None):
        # With TRUSTED_PROXY_COUNT=1 the servers read the client IP from this header,
        # so each test can have a per-IP rate-limit bucket of its own.
        self.ip = ip or f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7"

    def call(self, server, method, path, token=None, json=None, ip=None):
        request_id = uuid.uuid4().hex
        headers = {"X-Request-ID": request_id, "X-Forwarded-For": ip or self.ip}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.monotonic()
        response = requests.request(
            method,
            server.base + path,
            json=json,
            headers=headers,
            timeout=ANSWER_WITHIN + 5,
        )
        seconds = time.monotonic() - started
        try:
            body = response.json()
        except ValueError:
            body = {"unparsed": response.text[:500]}
        return Answer(
            response.status_code, body, dict(response.headers), seconds, request_id
        )

    def register(self, server, email=None):
        email = email or f"{uuid.uuid4().hex[:12]}@example.com"
        answer = self.call(
            server,
            "POST",
            "/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "full_name": "Scale Test"},
        )
        require_endpoint(answer, "POST /api/v1/auth/register")
        assert answer.status == 201, answer.body
        return email, answer.data["token"]

    def login(self, server, email, password=PASSWORD, ip=None):
        answer = self.call(
            server,
            "POST",
            "/api/v1/auth/login",
            json={"email": email, "password": password},
            ip=ip,
        )
        require_endpoint(answer, "POST /api/v1/auth/login")
        return answer


def require_route(path):
    """Skip the test when no view is routed at `path` on this branch yet."""
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        pytest.skip(f"{path} is not available on this branch yet")


def require_endpoint(answer, what):
    """Skip the test when the endpoint it needs has not been merged yet."""
    if answer.status == 404 and answer.error_type == "NOT_FOUND":
        pytest.skip(f"{what} is not available on this branch yet (404)")
    if answer.status == 405:
        pytest.skip(f"{what} is not available on this branch yet (405)")


def start_servers(*servers):
    """Start servers side by side (start-up is mostly imports) and wait for all."""
    for server in servers:
        server.start()
    for server in servers:
        server.wait_ready()
    return servers


def stop_all(*servers):
    for server in servers:
        server.stop()


def wait_until(predicate, timeout=30.0):
    """Poll `predicate` until it returns something truthy; return it, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.25)
    return None


def fast_enough(answer):
    return answer.seconds < ANSWER_WITHIN


def session_key_pattern(token):
    from sessions_api.tokens import hash_token

    return f"*authy/sessions_api/token/{hash_token(token)}"
