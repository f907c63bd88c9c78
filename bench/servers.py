"""Starting and stopping the gunicorn servers under test, and reading their memory."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """One gunicorn master with the project's `gunicorn.conf.py`, on loopback.

    Worker recycling (`max_requests`) is switched off for the run, so no worker
    restarts inside a measurement window and the memory read at the end belongs to
    workers that served every request of the run.
    """

    def __init__(self, name, app, port, env, log_dir, workers=2):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = Path(log_dir) / f"gunicorn-{name}.log"
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--max-requests",
            "0",
            app,
        ]
        self.env = env
        self.process = None

    def start(self, probe_path, timeout=60):
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + probe_path, timeout=5):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} server did not answer; see {self.log_path}")

    def worker_pids(self):
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_memory(self):
        """Return [{pid, rss_mb, peak_rss_mb}] for each live worker."""
        return [memory for memory in map(process_memory, self.worker_pids()) if memory]

    def cpu_seconds(self):
        """CPU time (user + system) the workers have used so far, in seconds."""
        return sum(process_cpu_seconds(pid) for pid in self.worker_pids())

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        # The master runs in its own session; TERM is gunicorn's graceful stop.
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def process_memory(pid):
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
    except OSError:
        return None
    return {
        "pid": pid,
        "rss_mb": round(fields.get("VmRSS", 0), 1),
        "peak_rss_mb": round(fields.get("VmHWM", 0), 1),
    }


_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # Fields after the command name (which may hold spaces) start at state.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS
