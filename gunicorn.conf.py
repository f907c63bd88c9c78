"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py authy.wsgi`.

Every value can be changed from the environment, so one image serves every host:
`BIND`, `WEB_CONCURRENCY`, `GUNICORN_TIMEOUT`, `GUNICORN_KEEPALIVE`,
`FORWARDED_ALLOW_IPS`. docs/deployment.md explains how to choose them.
"""

import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("BIND", "0.0.0.0:8000")
# Sync workers, one request at a time each; the usual rule of two per core plus one
# keeps the CPU busy while some workers wait on PostgreSQL or bcrypt.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# The application imports nothing that touches the database, so loading it once in
# the master before forking is safe, and the workers share the imported code.
preload_app = True
# A request that runs longer than this is killed and its worker replaced. Database
# and Redis timeouts (5 s and 1 s) answer long before it; bcrypt takes well under 1 s.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a typical load balancer's idle timeout would invite races on reused
# connections; shorter wastes handshakes. Set it above your load balancer's.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so slow leaks in any library cannot accumulate.
max_requests = 10000
max_requests_jitter = 1000
# Heartbeat files on a memory file system: containers' overlay disks can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Several servers run side by side on one host (tests, blue-green upgrades); a
# shared default control socket would let one answer for another. Nothing uses it.
control_socket_disable = True

# Requests larger than these are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

accesslog = "-"
errorlog = "-"
# The request id is the response's X-Request-ID header, so each access line can be
# matched with the application's own log lines and audit events.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
# Only these addresses may set X-Forwarded-Proto/-For for gunicorn itself; Django
# reads the client address through TRUSTED_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
