"""Nothing lost: mixed writes on two servers while Redis restarts all land, audited.

Fifty flows of six writes each (register two users, log in, create an organization,
add a member, log out) run eight at a time against two servers. Redis is killed once
a third of the writes are answered and started again at two thirds. Afterwards every
write answered 2xx must be in the database with exactly one audit event carrying its
request id. `NOTHING_LOST_FLOWS` changes the number of flows; the summary line
(shown with `-o log_cli=true --log-cli-level=INFO`) gives the figures recorded in
docs/deployment.md.
"""

import logging
import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from organizations.models import Membership, Organization
from sessions_api.models import Session
from sessions_api.tokens import hash_token
from tests.scaleout_support import (
    PASSWORD,
    Api,
    RedisProcess,
    Server,
    needs_postgres,
    needs_redis_server,
    require_route,
    start_servers,
    stop_all,
    test_database_url,
)

pytestmark = [pytest.mark.slow, needs_postgres, needs_redis_server]

logger = logging.getLogger(__name__)
_PATHS = [
    "/api/v1/auth/register",
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/organizations",
    "/api/v1/organizations/00000000-0000-4000-8000-000000000000/members",
]
FLOWS = int(os.environ.get("NOTHING_LOST_FLOWS", "50"))
CONCURRENCY = 8


@dataclass
class Write:
    kind: str
    answer: object
    body: dict | None
    token: str | None
    path: str

    @property
    def acknowledged(self):
        return 200 <= self.answer.status < 300


class Load:
    """The writes sent, the answers received, and Redis killed and restarted."""

    def __init__(self, servers, redis, total):
        self.servers = servers
        self.redis = redis
        self.total = total
        self.writes = []
        self.lock = threading.Lock()
        self.redis_down_at = None
        self.redis_up_at = None

    def write(self, api, kind, method, path, token=None, json=None):
        with self.lock:
            server = self.servers[len(self.writes) % len(self.servers)]
        answer = api.call(server, method, path, token=token, json=json)
        with self.lock:
            self.writes.append(Write(kind, answer, json, token, path))
            done = len(self.writes)
        self._restart_redis_at(done)
        return answer

    def _restart_redis_at(self, done):
        with self.lock:
            kill = self.redis_down_at is None and done >= self.total // 3
            start = (
                self.redis_down_at is not None
                and self.redis_up_at is None
                and done >= 2 * self.total // 3
            )
            if kill:
                self.redis_down_at = done
            if start:
                self.redis_up_at = done
        if kill:
            self.redis.kill()
        if start:
            self.redis.start()


def _flow(load, number):
    api = Api(ip=f"10.77.{number // 250}.{number % 250 + 1}")
    owner = f"owner{number}-{time.monotonic_ns()}@example.com"
    member = f"member{number}-{time.monotonic_ns()}@example.com"
    for email in (owner, member):
        body = {"email": email, "password": PASSWORD}
        registered = load.write(
            api, "register", "POST", "/api/v1/auth/register", json=body
        )
        if registered.status != 201:
            return
    login = load.write(
        api,
        "login",
        "POST",
        "/api/v1/auth/login",
        json={"email": owner, "password": PASSWORD},
    )
    if login.status != 200:
        return
    token = login.data["token"]
    created = load.write(
        api,
        "organization",
        "POST",
        "/api/v1/organizations",
        token=token,
        json={"name": f"Load {number}"},
    )
    if created.status == 201:
        org_id = created.data["organization"]["id"]
        load.write(
            api,
            "member",
            "POST",
            f"/api/v1/organizations/{org_id}/members",
            token=token,
            json={"email": member, "role": "member"},
        )
    load.write(api, "logout", "POST", "/api/v1/auth/logout", token=token)


def _landed(write):
    """Return True when the write acknowledged by its answer is in the database."""
    data = write.answer.data
    if write.kind == "register":
        return get_user_model().objects.filter(email=write.body["email"]).exists()
    if write.kind == "login":
        return Session.objects.filter(token_hash=hash_token(data["token"])).exists()
    if write.kind == "organization":
        return Organization.objects.filter(pk=data["organization"]["id"]).exists()
    if write.kind == "member":
        org_id = write.path.split("/")[4]
        return Membership.objects.filter(
            organization_id=org_id, user_id=data["member"]["user"]["id"]
        ).exists()
    if write.kind == "logout":
        return Session.objects.filter(
            token_hash=hash_token(write.token), revoked_at__isnull=False
        ).exists()
    raise AssertionError(write.kind)


@pytest.fixture
def cluster(django_db_setup, transactional_db, tmp_path):
    redis = RedisProcess()
    redis.start()
    env = {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": redis.url(7),
        "RATELIMIT_ENABLE": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "REDIS_RETRY_SECONDS": "2",
    }
    servers = (Server("a", tmp_path, **env), Server("b", tmp_path, **env))
    try:
        start_servers(*servers)
        yield servers, redis
    finally:
        stop_all(*servers)
        redis.kill()


def test_every_acknowledged_write_lands_with_one_audit_event_while_redis_restarts(
    cluster,
):
    servers, redis = cluster
    for path in _PATHS:
        require_route(path)
    load = Load(servers, redis, total=FLOWS * 6)

    # when
    started = time.monotonic()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(lambda number: _flow(load, number), range(FLOWS)))
    elapsed = time.monotonic() - started

    # then
    statuses = Counter(write.answer.status for write in load.writes)
    acknowledged = [write for write in load.writes if write.acknowledged]
    missing = [write.kind for write in acknowledged if not _landed(write)]
    request_ids = [write.answer.request_id for write in acknowledged]
    audit_counts = Counter(
        AuditEvent.objects.filter(request_id__in=request_ids).values_list(
            "request_id", flat=True
        )
    )
    not_once = [
        (write.kind, audit_counts[write.answer.request_id])
        for write in acknowledged
        if audit_counts[write.answer.request_id] != 1
    ]
    slowest = max(write.answer.seconds for write in load.writes)
    logger.info(
        "nothing-lost: %d writes in %.1fs (%.0f/s) on 2 servers x 2 workers, "
        "statuses %s, Redis killed after write %s and back after write %s, "
        "slowest answer %.2fs, missing %d, audit not exactly once %d",
        len(load.writes),
        elapsed,
        len(load.writes) / elapsed,
        dict(statuses),
        load.redis_down_at,
        load.redis_up_at,
        slowest,
        len(missing),
        len(not_once),
    )
    assert load.redis_down_at and load.redis_up_at
    assert not any(status >= 500 for status in statuses)
    assert len(acknowledged) == len(load.writes) == FLOWS * 6
    assert missing == []
    assert not_once == []
