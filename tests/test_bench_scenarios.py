"""The benchmark's scenarios on its own data set: all answer, and no read writes.

The time targets stay in `bench/run.py`. What can regress silently and
deterministically is pinned here, through the same in-process pass the benchmark
reports: a renamed URL or a model change that breaks `bench/dataset.py` would turn
scenarios "unavailable" without failing anything else, and a write slipped into a
read path would cost every request. The per-endpoint query budgets (`/auth/me`:
one query on its fast path, at most 2 warm through the full stack; members and
audit pages: the same for 10 and 1,000 members or 10 and 10,000 events) are
asserted by the fast-path, sessions, organizations and audit suites.
"""

import pytest
from django.urls import Resolver404, resolve

from bench import dataset as bench_dataset
from bench.inprocess import count_queries
from bench.scenarios import SCENARIOS
from tests.wsgi_support import keeping_test_transaction

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inside_the_test_transaction():
    # The in-process pass sends its requests to the WSGI application itself.
    with keeping_test_transaction():
        yield


_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
_WRITES = ("INSERT", "UPDATE", "DELETE")
_READS = [
    scenario.name for scenario in SCENARIOS if scenario.kind == "read" and scenario.auth
]


@pytest.fixture(scope="module")
def bench_data(django_db_setup, django_db_blocker):
    # Built once for the module and removed afterwards, so other modules see an
    # empty database. Sixty rows fill more than one page, which is all the paths
    # under test need; the full sizes are the benchmark's business.
    with django_db_blocker.unblock():
        data = bench_dataset.build(
            large_members=60, audit_events=60, small_audit_events=10, caller_sessions=3
        )
    yield data
    with django_db_blocker.unblock():
        bench_dataset.remove_previous()


def _request(data):
    return {
        "token": data.caller_token,
        "body": {"email": data.login_email, "password": data.password},
    }


def _scenario(name, data):
    scenario = _BY_NAME[name].bound(data)
    try:
        resolve(scenario.path)
    except Resolver404:
        pytest.fail(f"{scenario.path} is not routed: the benchmark would skip it")
    return scenario


@pytest.mark.parametrize("name", [scenario.name for scenario in SCENARIOS])
def test_every_benchmark_scenario_succeeds_on_the_benchmark_data(bench_data, name):
    # given
    scenario = _scenario(name, bench_data)

    # when
    counted = count_queries(scenario, _request(bench_data))

    # then
    assert 200 <= counted["status"] < 300


@pytest.mark.parametrize("name", _READS)
def test_a_warm_benchmark_read_writes_nothing(bench_data, name):
    # given
    scenario = _scenario(name, bench_data)

    # when
    counted = count_queries(scenario, _request(bench_data))

    # then
    writes = [sql for sql in counted["sql"] if sql.lstrip().upper().startswith(_WRITES)]
    assert writes == []
