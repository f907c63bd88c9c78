"""In-process measurements: SQL queries per request, one bcrypt verify, profiles.

These run inside the benchmark's own process, with the same settings, database and
cache as the gunicorn workers, through the WSGI application gunicorn serves
(`authy.wsgi.application`: the `/auth/me` fast path, then Django's whole middleware
stack; no socket), so each request's queries can be captured exactly.
"""

import json
import statistics
import time

from django.contrib.auth.hashers import get_hasher, make_password
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from sessions_api import cache as session_cache
from sessions_api.tokens import hash_token

HOST = "127.0.0.1"


class _Answer:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self.content = body


class WsgiClient:
    """Send requests to the production WSGI application, as gunicorn would."""

    def __init__(self):
        from authy.wsgi import application

        self.application = application
        self.factory = RequestFactory(HTTP_HOST=HOST)

    def send(self, method, path, body=None, **headers):
        if body is None:
            environ = self.factory.generic(method, path, **headers).environ
        else:
            environ = self.factory.generic(
                method, path, body, content_type="application/json", **headers
            ).environ
        status = []

        def start_response(line, response_headers, exc_info=None):
            status.append(int(line.split(" ", 1)[0]))

        chunks = self.application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return _Answer(status[0], content)


def _send(client, scenario, request):
    headers = {}
    if scenario.auth:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {request['token']}"
    body = json.dumps(request["body"]) if scenario.method == "POST" else None
    return client.send(scenario.method, scenario.path, body, **headers)


def count_queries(scenario, request):
    """Return {cold, warm, status, sql} for one scenario's request.

    `cold` is the first request after the caller's session-cache entry was dropped,
    `warm` the request right after it, which is what every request but the first
    of a session sees. A POST is sent once (`warm` is then its only figure).
    """
    # A view that raises answers 500 through the WSGI handler, as under gunicorn,
    # instead of stopping the benchmark.
    client = WsgiClient()
    if scenario.auth:
        session_cache.forget([hash_token(request["token"])])
    counts, status = [], None
    sends = 1 if scenario.method == "POST" else 2
    for _ in range(sends):
        with CaptureQueriesContext(connection) as captured:
            response = _send(client, scenario, request)
        counts.append(len(captured.captured_queries))
        status = response.status_code
    return {
        "cold": counts[0],
        "warm": counts[-1],
        "status": status,
        "sql": [query["sql"][:400] for query in captured.captured_queries],
    }


def bcrypt_verify_ms(samples=7):
    """Median time of one password verify with the production hasher, in ms."""
    password = "bench-calibration-password"
    encoded = make_password(password)
    hasher = get_hasher()
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        hasher.verify(password, encoded)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "algorithm": hasher.algorithm,
        "rounds": getattr(hasher, "rounds", None),
        "median_ms": round(statistics.median(timings), 2),
        "min_ms": round(min(timings), 2),
    }


def profile(scenario, request, count, output_path):
    """Profile `count` warm requests with pyinstrument; write text and HTML reports."""
    # Imported here: only `--profile` needs it (requirements-dev.txt pins it).
    from pyinstrument import Profiler

    client = WsgiClient()
    _send(client, scenario, request)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(count):
        _send(client, scenario, request)
    profiler.stop()
    output_path.with_suffix(".html").write_text(profiler.output_html())
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    output_path.with_suffix(".txt").write_text(text)
    return text
