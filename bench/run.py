"""`make bench`: Gatehouse under gunicorn, driven by wrk, against a bare Django view.

One command, a few minutes, from a fresh clone: production settings (DEBUG off, a
generated SECRET_KEY, bcrypt at cost 12), PostgreSQL and Redis when DATABASE_URL and
REDIS_URL are set, else a SQLite file under var/bench/ and the in-process cache. It
prints a table and the verdict on each target of issue 9, and writes the figures as
JSON under bench/results/. docs/performance.md explains every column.
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen, report  # noqa: E402
from bench.scenarios import BARE, SCENARIOS  # noqa: E402
from bench.servers import Gunicorn, free_port  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
VAR_DIR = ROOT / "var" / "bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=0, help="Gatehouse (0: any free)")
    parser.add_argument("--bare-port", type=int, default=0, help="bare view server")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument("--large-members", type=int, default=1000)
    parser.add_argument("--audit-events", type=int, default=10_000)
    parser.add_argument(
        "--profile",
        default="",
        help="profile this scenario in-process with pyinstrument instead of loading",
    )
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument("--markdown", action="store_true", help="also print markdown")
    parser.add_argument(
        "--fail-on-miss", action="store_true", help="exit 1 when a target is missed"
    )
    return parser.parse_args(argv)


def ensure_postgres_database(url):
    """Create the database DATABASE_URL names when it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            print(f"creating PostgreSQL database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_environment():
    """Set the production-like variables in this process; return them for servers."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if database_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(database_url)
    elif not database_url:
        database_url = f"sqlite:///{VAR_DIR / 'gatehouse.sqlite3'}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="authy.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no HTTPS redirect. Login rate limits are off so the
        # login scenario measures the login, not the limiter's 429s.
        SECURE_SSL_REDIRECT="0",
        BCRYPT_ROUNDS="12",
        RATELIMIT_ENABLE="0",
    )
    return dict(os.environ)


def backend_description():
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    if settings.REDIS_URL:
        try:
            version = cache.client.get_client().info()["redis_version"]
        except Exception:  # noqa: BLE001 - the version is only a label
            version = "?"
        return f"{database} + Redis {version}"
    return f"{database} + in-process cache"


def machine_description():
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory_kb = int(line.split()[1])
    import django

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def probe(url, scenario, request):
    """Return None when the URL answers 2xx, else the reason it is unavailable."""
    headers = {"Content-Type": "application/json"}
    body = None
    if scenario.auth:
        headers["Authorization"] = f"Bearer {request['token']}"
    if scenario.method == "POST":
        body = json.dumps(request["body"]).encode()
    prepared = urllib.request.Request(
        url, data=body, headers=headers, method=scenario.method
    )
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        return f"{type(error).__name__}"
    return None if 200 <= status < 300 else f"HTTP {status}"


class Driver:
    """Runs one scenario's load with wrk, or the Python fallback."""

    def __init__(self, args, request):
        self.args = args
        self.request = request
        self.wrk = None if args.loadgen == "python" else loadgen.ensure_wrk()
        if args.loadgen == "wrk" and not self.wrk:
            sys.exit("wrk is not installed and could not be installed (not root?)")
        self.name = "wrk" if self.wrk else "python"

    def run(self, scenario, url, duration):
        connections = scenario.connections or self.args.connections
        threads = scenario.threads or self.args.threads
        timeout = 60 if scenario.kind == "login" else 10
        if self.wrk:
            env = {"BENCH_TOKEN": self.request["token"]}
            if scenario.method == "POST":
                env.update(
                    BENCH_LOGIN_EMAIL=self.request["body"]["email"],
                    BENCH_LOGIN_PASSWORD=self.request["body"]["password"],
                )
            return loadgen.run_wrk(
                self.wrk,
                url,
                script=scenario.script,
                env=env,
                duration=duration,
                connections=connections,
                threads=threads,
                timeout=timeout,
            )
        headers = {"Host": "127.0.0.1"}
        body = None
        if scenario.auth:
            headers["Authorization"] = f"Bearer {self.request['token']}"
        if scenario.method == "POST":
            headers["Content-Type"] = "application/json"
            body = json.dumps(self.request["body"])
        return loadgen.run_python(
            url,
            method=scenario.method,
            headers=headers,
            body=body,
            duration=duration,
            connections=connections,
            threads=threads,
        )


def _unavailable(scenario, reason):
    print(f"  {scenario.name}: unavailable ({reason})")
    return {"status": "unavailable", "reason": reason, "kind": scenario.kind}


def measure(scenario, servers, driver, args, warmup=True, probed=False):
    url = servers[scenario.server].url + scenario.path
    reason = None if probed else probe(url, scenario, driver.request)
    if reason:
        return _unavailable(scenario, reason)
    server = servers[scenario.server]
    try:
        if scenario.kind != "login" and warmup and args.warmup:
            driver.run(scenario, url, args.warmup)
        cpu_before = server.cpu_seconds()
        result = driver.run(scenario, url, args.duration)
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        # A load run that breaks (the server died, wrk printed nothing) costs this
        # scenario its figures, not the whole run.
        return _unavailable(scenario, f"load failed: {error}"[:200])
    cpu = server.cpu_seconds() - cpu_before
    # Server CPU per request barely moves with the machine's other load, unlike
    # throughput, so it is the figure to compare across noisy runs.
    if result["requests"]:
        result["cpu_ms_per_request"] = round(cpu * 1000 / result["requests"], 3)
    result.update(status="measured", kind=scenario.kind, path=scenario.path)
    print(
        f"  {scenario.name}: {result['rps']} req/s, p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms, non-2xx {result['non_2xx']}, "
        f"worker CPU {result.get('cpu_ms_per_request')} ms/request"
    )
    return result


def start_servers(args, env):
    servers = {
        "gatehouse": Gunicorn(
            "gatehouse",
            "authy.wsgi",
            args.port or free_port(),
            env,
            VAR_DIR,
            args.workers,
        ),
        "bare": Gunicorn(
            "bare",
            "bench.bare_app",
            args.bare_port or free_port(),
            env,
            VAR_DIR,
            args.workers,
        ),
    }
    servers["gatehouse"].start("/api/health")
    servers["bare"].start("/bare")
    return servers


def selected_scenarios(args, dataset):
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    return [
        scenario.bound(dataset)
        for scenario in SCENARIOS
        if not wanted or scenario.name in wanted
    ]


def run_scenarios(scenarios, servers, driver, args):
    """Measure every scenario; each read scenario right after its own bare run."""
    from bench import inprocess

    results, bare_runs = {}, []
    for scenario in scenarios:
        url = servers[scenario.server].url + scenario.path
        reason = probe(url, scenario, driver.request)
        if reason:
            results[scenario.name] = _unavailable(scenario, reason)
            continue
        if scenario.kind == "read":
            result, bares = _paired_rounds(scenario, servers, driver, args, bare_runs)
            bare_runs.extend(bares)
        elif scenario.name == "login_serial":
            bcrypt = inprocess.bcrypt_verify_ms()
            result = measure(scenario, servers, driver, args, probed=True)
            if result["status"] == "measured":
                result["bcrypt_verify_ms"] = bcrypt["median_ms"]
                result["ratio_to_bcrypt"] = round(
                    result["p50_ms"] / bcrypt["median_ms"], 3
                )
        else:
            result = measure(scenario, servers, driver, args, probed=True)
        results[scenario.name] = result
    return results, [run for run in bare_runs if run["status"] == "measured"]


def _paired_rounds(scenario, servers, driver, args, earlier_bare_runs):
    """Alternate bare and scenario runs; return the median round and the bare runs.

    Each round's ratio compares two runs taken seconds apart; with several rounds
    the reported one is the round with the median ratio, and every round's ratio
    is kept in the results.
    """
    rounds, bares = [], []
    for _ in range(scenario.rounds):
        warmup = not (earlier_bare_runs or bares)
        bare = measure(BARE, servers, driver, args, warmup=warmup)
        bares.append(bare)
        result = measure(scenario, servers, driver, args, probed=True)
        if result["status"] != "measured":
            return result, bares
        if bare.get("rps"):
            result["bare_rps"] = bare["rps"]
            result["ratio_to_bare"] = round(result["rps"] / bare["rps"], 3)
            if bare.get("cpu_ms_per_request") and result.get("cpu_ms_per_request"):
                result["cpu_ratio_to_bare"] = round(
                    result["cpu_ms_per_request"] / bare["cpu_ms_per_request"], 2
                )
        rounds.append(result)
    ordered = sorted(rounds, key=lambda run: run.get("ratio_to_bare") or 0)
    chosen = dict(ordered[len(ordered) // 2])
    if len(rounds) > 1:
        chosen["rounds_ratio_to_bare"] = [run.get("ratio_to_bare") for run in rounds]
    return chosen, bares


def ceiling_summary(bare_runs):
    """The bare view's row: its median run, with every run's throughput listed."""
    if not bare_runs:
        return {
            "status": "unavailable",
            "reason": "no read scenario ran",
            "kind": "ceiling",
        }
    ordered = sorted(bare_runs, key=lambda run: run["rps"])
    median = dict(ordered[len(ordered) // 2])
    median["runs_rps"] = [run["rps"] for run in bare_runs]
    median["ratio_to_bare"] = 1.0
    return median


def profile_only(args, scenarios, request):
    from bench import inprocess

    chosen = [scenario for scenario in scenarios if scenario.name == args.profile]
    if not chosen:
        sys.exit(f"no scenario named {args.profile}")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"profile-{args.profile}"
    print(inprocess.profile(chosen[0], request, args.profile_requests, path))
    print(f"profile written to {path}.html and {path}.txt")


def main(argv=None):
    args = parse_args(argv)
    env = prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench import dataset as bench_dataset
    from bench import inprocess

    started = time.monotonic()
    print("migrating and building the data set...")
    call_command("migrate", interactive=False, verbosity=0)
    data = bench_dataset.build(
        large_members=args.large_members, audit_events=args.audit_events
    )
    request = {
        "token": data.caller_token,
        "body": {"email": data.login_email, "password": data.password},
    }
    scenarios = selected_scenarios(args, data)
    if args.profile:
        return profile_only(args, scenarios, request)
    backend = backend_description()
    print(f"backend: {backend}; data set: {data.counts}")
    bcrypt = inprocess.bcrypt_verify_ms()
    print(f"one {bcrypt['algorithm']} verify: {bcrypt['median_ms']} ms (median)")
    queries = {
        scenario.name: _count(inprocess, scenario, request) for scenario in scenarios
    }
    connections.close_all()

    driver = Driver(args, request)
    print(
        f"load: {driver.name}, {args.threads} threads, {args.connections} "
        f"connections, {args.duration} s per scenario (+{args.warmup} s warm-up)"
    )
    servers = start_servers(args, env)
    try:
        results, bare_runs = run_scenarios(scenarios, servers, driver, args)
        memory = {name: server.worker_memory() for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    for name, counted in queries.items():
        if results[name]["status"] == "measured":
            results[name]["queries"] = counted
    results = {"bare": ceiling_summary(bare_runs), **results}
    output = summarize(args, data, backend, bcrypt, results, memory, driver)
    output["run_seconds"] = round(time.monotonic() - started, 1)
    print_summary(output, args)
    write_results(output)
    missed = any(item["verdict"] == "missed" for item in output["targets"])
    return 1 if args.fail_on_miss and missed else 0


def _count(inprocess, scenario, request):
    try:
        return inprocess.count_queries(scenario, request)
    except Exception as error:  # noqa: BLE001 - one broken scenario must not end the run
        return {"error": f"{type(error).__name__}: {error}"[:200]}


def summarize(args, data, backend, bcrypt, results, memory, driver):
    gatehouse_rss = [worker["rss_mb"] for worker in memory["gatehouse"]]
    worker_rss = max(gatehouse_rss) if gatehouse_rss else None
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "backend": backend,
        "settings": {
            "DEBUG": False,
            "BCRYPT_ROUNDS": 12,
            "RATELIMIT_ENABLE": False,
            "SECURE_SSL_REDIRECT": False,
            "gunicorn": f"{args.workers} sync workers, gunicorn.conf.py, "
            "max_requests off",
        },
        "load": {
            "generator": driver.name,
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
        "dataset": data.counts,
        "bcrypt_verify": bcrypt,
        "scenarios": results,
        "worker_memory": memory,
        "targets": report.evaluate(results, worker_rss),
    }


def print_summary(output, args):
    results = output["scenarios"]
    table = report.rows(results, list(results))
    print()
    print(report.text_table(table))
    print()
    print(f"backend: {output['backend']}; load: {output['load']}")
    login = results.get("login_serial", {})
    if login.get("ratio_to_bcrypt"):
        print(
            f"login, 1 connection: p50 {login['p50_ms']} ms = "
            f"{login['ratio_to_bcrypt']} x one bcrypt(12) verify "
            f"({login['bcrypt_verify_ms']} ms, measured just before)"
        )
    memory = output["worker_memory"]
    print(
        "worker RSS (MB): "
        + ", ".join(
            f"{name} {[worker['rss_mb'] for worker in workers]}"
            for name, workers in memory.items()
        )
    )
    print()
    print("\n".join(report.verdict_lines(output["targets"])))
    if args.markdown:
        print()
        print(report.markdown_table(table))


def write_results(output):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    kind = "postgres" if "PostgreSQL" in output["backend"] else "sqlite"
    path = RESULTS_DIR / f"bench-{stamp}-{kind}.json"
    path.write_text(json.dumps(output, indent=2, default=str))
    (RESULTS_DIR / "latest.json").write_text(path.read_text())
    print(f"\nresults written to {path.relative_to(ROOT)} ({output['run_seconds']} s)")


if __name__ == "__main__":
    sys.exit(main())
