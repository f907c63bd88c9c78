"""The benchmark's verdicts: met, missed, or unavailable when an endpoint is missing."""

from bench import report


def _read(rps, p50, p99, warm, ratio=None):
    return {
        "status": "measured",
        "kind": "read",
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": 0,
        "ratio_to_bare": ratio,
        "queries": {"warm": warm, "cold": warm + 1},
    }


def _verdicts(results, rss=80.0):
    return {item["target"]: item["verdict"] for item in report.evaluate(results, rss)}


def test_a_run_where_every_target_holds_is_met_everywhere():
    # given
    results = {
        "auth_me": _read(2400, 6.0, 9.0, 2, ratio=0.8),
        "members_10": _read(900, 10.0, 20.0, 4),
        "members_1000": _read(850, 11.0, 25.0, 4),
        "audit_10": _read(900, 10.0, 20.0, 4),
        "audit_10000": _read(800, 12.0, 30.0, 4),
        "login_serial": {
            "status": "measured",
            "kind": "login",
            "p50_ms": 260.0,
            "p99_ms": 270.0,
            "ratio_to_bcrypt": 1.04,
        },
    }

    # when
    verdicts = _verdicts(results)

    # then
    assert set(verdicts.values()) == {"met"}


def test_growing_queries_slow_pages_and_fat_workers_are_missed():
    # given
    results = {
        "auth_me": _read(1000, 6.0, 30.0, 3, ratio=0.4),
        "members_10": _read(900, 10.0, 20.0, 4),
        "members_1000": _read(100, 90.0, 200.0, 1004),
    }

    # when
    verdicts = _verdicts(results, rss=150.0)

    # then
    assert verdicts["auth/me throughput / bare"] == "missed"
    assert verdicts["auth/me SQL queries (warm)"] == "missed"
    assert verdicts["members queries, 10 vs 1,000"] == "missed"
    assert verdicts["members p50, 1,000 / 10"] == "missed"
    assert verdicts["read p99 / p50 (worst)"] == "missed"
    assert verdicts["worker RSS (MB, max)"] == "missed"


def test_scenarios_whose_endpoint_is_missing_are_unavailable_not_errors():
    # given
    missing = {"status": "unavailable", "reason": "HTTP 404", "kind": "read"}
    results = {name: missing for name in ("auth_me", "members_10", "members_1000")}

    # when
    verdicts = _verdicts(results, rss=None)
    table = report.rows(results, list(results))

    # then
    assert verdicts["auth/me throughput / bare"] == "unavailable"
    assert verdicts["members queries, 10 vs 1,000"] == "unavailable"
    assert verdicts["login p50 / one bcrypt verify"] == "unavailable"
    assert verdicts["worker RSS (MB, max)"] == "unavailable"
    assert [row[1] for row in table] == ["unavailable: HTTP 404"] * 3


def test_a_failed_query_count_is_unavailable_not_a_pass():
    # given
    broken = _read(900, 10.0, 20.0, 0)
    broken["queries"] = {"error": "OperationalError: no such table"}
    results = {
        "auth_me": {**broken, "ratio_to_bare": 0.8},
        "members_10": broken,
        "members_1000": broken,
    }

    # when
    verdicts = _verdicts(results)

    # then
    assert verdicts["auth/me SQL queries (warm)"] == "unavailable"
    assert verdicts["members queries, 10 vs 1,000"] == "unavailable"
    assert verdicts["auth/me throughput / bare"] == "met"


def test_the_auth_me_verdict_shows_every_round_it_is_the_median_of():
    # given
    auth_me = _read(2000, 6.0, 9.0, 1, ratio=0.81)
    auth_me["rounds_ratio_to_bare"] = [0.74, 0.81, 0.9]

    # when
    lines = report.verdict_lines(report.evaluate({"auth_me": auth_me}, 80.0))

    # then
    (line,) = [line for line in lines if "auth/me throughput" in line]
    assert line.startswith("met")
    assert "0.81" in line and "median of rounds 0.74, 0.81, 0.9" in line
