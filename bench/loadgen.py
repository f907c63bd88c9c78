"""Load generators: wrk (Debian's package), and a Python fallback where it is missing.

Both return the same dict: requests, requests per second, p50/p90/p99 latency in
milliseconds, the count of responses that were not 2xx/3xx, and socket errors.
"""

import http.client
import json
import multiprocessing
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

LUA_DIR = Path(__file__).resolve().parent
_RESULT_PREFIX = "BENCH_RESULT "


def ensure_wrk():
    """Return the wrk executable, installing Debian's package when root; else None."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("wrk is missing; installing Debian's package (apt-get install wrk)")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, **quiet)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env, **quiet
    )
    return shutil.which("wrk")


def _summary(requests, seconds, latencies_us, non_2xx, socket_errors):
    ordered = sorted(latencies_us)

    def percentile(p):
        if not ordered:
            return None
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return round(ordered[index] / 1000, 3)

    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": percentile(50),
        "p90_ms": percentile(90),
        "p99_ms": percentile(99),
        "non_2xx": non_2xx,
        "socket_errors": socket_errors,
    }


def run_wrk(wrk, url, *, script, env, duration, connections, threads, timeout):
    """Run wrk once and return the summary its Lua `done` hook printed."""
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
        "-s",
        str(LUA_DIR / script),
        url,
    ]
    full_env = {**os.environ, **env, "BENCH_LUA_DIR": str(LUA_DIR)}
    done = subprocess.run(
        command, env=full_env, capture_output=True, text=True, timeout=duration + 60
    )
    for line in done.stdout.splitlines():
        if line.startswith(_RESULT_PREFIX):
            raw = json.loads(line[len(_RESULT_PREFIX) :])
            break
    else:
        raise RuntimeError(f"wrk printed no result: {done.stdout}\n{done.stderr}")
    summary = _summary(
        raw["requests"],
        raw["duration_us"] / 1e6,
        [],
        raw["non_2xx"],
        raw["connect_errors"] + raw["read_errors"] + raw["write_errors"],
    )
    summary.update(
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        timeouts=raw["timeouts"],
    )
    return summary


def _python_worker(url, method, headers, body, deadline, connections, queue):
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, statuses, errors = [], [], [0]
    lock = threading.Lock()

    def loop():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine_latency, mine_status, mine_errors = [], [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except OSError:
                mine_errors += 1
                conn.close()
                continue
            mine_latency.append((time.perf_counter() - started) * 1e6)
            mine_status.append(response.status)
        with lock:
            latencies.extend(mine_latency)
            statuses.extend(mine_status)
            errors[0] += mine_errors

    workers = [threading.Thread(target=loop) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((latencies, statuses, errors[0]))


def run_python(url, *, method, headers, body, duration, connections, threads):
    """A Python load generator: `threads` processes sharing `connections` clients.

    It spends far more CPU per request than wrk, so on a small machine it lowers
    every figure; the ratios to the bare view remain comparable within one run.
    """
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    deadline = time.monotonic() + duration
    per_process = max(1, connections // threads)
    processes = [
        context.Process(
            target=_python_worker,
            args=(url, method, headers, body, deadline, per_process, queue),
        )
        for _ in range(threads)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    seconds = time.monotonic() - started
    latencies = [value for result in results for value in result[0]]
    statuses = [value for result in results for value in result[1]]
    errors = sum(result[2] for result in results)
    non_2xx = sum(1 for status in statuses if not 200 <= status < 400)
    return _summary(len(statuses), seconds, latencies, non_2xx, errors)
