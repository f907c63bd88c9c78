"""The benchmark's query budgets, asserted on its own data set and scenarios.

Time targets stay in `bench/run.py`; what can regress silently and deterministically
(the SQL a request runs, and whether it grows with the data) is pinned here, through
the same in-process pass the benchmark reports.
"""

import pytest
from django.urls import Resolver404, resolve

from bench import dataset as bench_dataset
from bench import report
from bench.inprocess import count_queries
from bench.scenarios import SCENARIOS

pytestmark = pytest.mark.django_db

_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
_WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="module")
def bench_data(django_db_setup, django_db_blocker):
    # Built once for the module (a thousand members and ten thousand events take a
    # few seconds) and removed afterwards, so other modules see an empty database.
    with django_db_blocker.unblock():
        data = bench_dataset.build(
            small_members=10, large_members=1000, audit_events=10_000, caller_sessions=3
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
        pytest.skip(f"{scenario.path} is not routed in this build")
    return scenario


def _writes(sql):
    return [query for query in sql if query.lstrip().upper().startswith(_WRITES)]


@pytest.mark.parametrize("name", [scenario.name for scenario in SCENARIOS])
def test_every_benchmark_scenario_succeeds_on_the_benchmark_data(bench_data, name):
    # given
    scenario = _scenario(name, bench_data)

    # when
    counted = count_queries(scenario, _request(bench_data))

    # then
    assert 200 <= counted["status"] < 300


def test_auth_me_with_a_warm_cache_runs_at_most_two_queries_and_writes_nothing(
    bench_data,
):
    # given
    scenario = _scenario("auth_me", bench_data)

    # when
    counted = count_queries(scenario, _request(bench_data))

    # then
    assert counted["warm"] <= report.ME_MAX_QUERIES, counted["sql"]
    assert _writes(counted["sql"]) == []


@pytest.mark.parametrize(
    ("small", "large"),
    [("members_10", "members_1000"), ("audit_10", "audit_10000")],
)
def test_list_pages_run_the_same_queries_for_small_and_large_organizations(
    bench_data, small, large
):
    # given
    small_scenario = _scenario(small, bench_data)
    large_scenario = _scenario(large, bench_data)

    # when
    small_counted = count_queries(small_scenario, _request(bench_data))
    large_counted = count_queries(large_scenario, _request(bench_data))

    # then
    assert small_counted["warm"] == large_counted["warm"], large_counted["sql"]
    assert _writes(large_counted["sql"]) == []


def test_reads_of_the_benchmark_write_nothing_once_warm(bench_data):
    # given
    reads = [
        scenario.name
        for scenario in SCENARIOS
        if scenario.kind == "read" and scenario.auth
    ]

    # when
    writes = {}
    for name in reads:
        try:
            scenario = _scenario(name, bench_data)
        except pytest.skip.Exception:
            continue
        writes[name] = _writes(count_queries(scenario, _request(bench_data))["sql"])

    # then
    assert writes == {name: [] for name in writes}
