"""On the embedded SQLite default, concurrent owner departures end in 200 or 409."""

import json
import secrets

import pytest

from tests.conftest import run_django

pytestmark = pytest.mark.slow

# Runs in a fresh process against its own SQLite file: a threaded WSGI server on a
# free port, and one client thread per owner, all leaving the organization at once.
_SCRIPT = r"""
import json, threading, urllib.request
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import django
django.setup()
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application

call_command("migrate", verbosity=0)
from accounts.models import User
from organizations.models import Membership, Organization
from sessions_api.services import create_session

OWNERS = 6
organization = Organization.objects.create(name="Race", slug="race")
tokens = []
for index in range(OWNERS):
    user = User.objects.create_user(f"owner{index}@example.com")
    Membership.objects.create(organization=organization, user=user, role="owner")
    tokens.append((user.pk, create_session(user)[1]))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadedServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


server = make_server(
    "127.0.0.1", 0, get_wsgi_application(), ThreadedServer, QuietHandler
)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"
barrier = threading.Barrier(OWNERS)
statuses = []


def leave(user_id, token):
    request = urllib.request.Request(
        f"{base}/api/v1/organizations/{organization.pk}/members/{user_id}",
        method="DELETE",
        headers={"Authorization": f"Bearer {token}"},
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            statuses.append(response.status)
    except urllib.error.HTTPError as error:
        statuses.append(error.code)


clients = [threading.Thread(target=leave, args=pair) for pair in tokens]
for client in clients:
    client.start()
for client in clients:
    client.join()
server.shutdown()
owners = Membership.objects.filter(organization=organization, role="owner").count()
print(json.dumps({"statuses": sorted(statuses), "owners": owners}))
"""


def test_owners_leaving_at_once_on_sqlite_get_200_or_409_and_one_stays(tmp_path):
    # given
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }

    # when
    result = run_django(_SCRIPT, env, timeout=120)

    # then
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"statuses": [200] * 5 + [409], "owners": 1}
