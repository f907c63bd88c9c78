"""The benchmark's scenarios: which request, against which server, with which load."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """One request driven for a bounded time; `path` may name data-set fields."""

    name: str
    label: str
    method: str
    path: str
    server: str = "gatehouse"
    auth: bool = False
    kind: str = "read"  # read, login or ceiling
    connections: int | None = None  # None: the run's default
    threads: int | None = None
    # Paired (bare, scenario) runs; the reported figures are their medians. A
    # throughput target gets several, so one unlucky second cannot decide it.
    rounds: int = 1

    @property
    def script(self):
        if self.method == "POST":
            return "login.lua"
        return "auth.lua" if self.auth else "report.lua"

    def bound(self, dataset):
        """Return a copy whose path has the data set's ids filled in."""
        path = self.path.format(small=dataset.small_org_id, large=dataset.large_org_id)
        return Scenario(**{**self.__dict__, "path": path})


API = "/api/v1"
ORGS = API + "/organizations"

# The ceiling: run right before each read scenario, so that every ratio compares two
# measurements taken under the same background load.
BARE = Scenario("bare", "bare Django JSON view", "GET", "/bare", "bare", kind="ceiling")

SCENARIOS = [
    Scenario("health", "GET /api/health", "GET", "/api/health"),
    Scenario("auth_me", "GET /auth/me", "GET", API + "/auth/me", auth=True, rounds=3),
    Scenario(
        "my_orgs",
        "GET /users/me/organizations",
        "GET",
        API + "/users/me/organizations",
        auth=True,
    ),
    Scenario(
        "sessions", "GET /auth/sessions", "GET", API + "/auth/sessions", auth=True
    ),
    Scenario(
        "members_10",
        "members, 10-member org",
        "GET",
        ORGS + "/{small}/members",
        auth=True,
    ),
    Scenario(
        "members_1000",
        "members, 1,000-member org",
        "GET",
        ORGS + "/{large}/members",
        auth=True,
    ),
    Scenario(
        "audit_10",
        "org audit log, 10 events",
        "GET",
        ORGS + "/{small}/audit-logs",
        auth=True,
    ),
    Scenario(
        "audit_10000",
        "org audit log, 10,000 events",
        "GET",
        ORGS + "/{large}/audit-logs",
        auth=True,
    ),
    Scenario(
        "login",
        "POST /auth/login (16 connections)",
        "POST",
        API + "/auth/login",
        kind="login",
    ),
    Scenario(
        "login_serial",
        "POST /auth/login (1 connection)",
        "POST",
        API + "/auth/login",
        kind="login",
        connections=1,
        threads=1,
    ),
]
