"""The benchmark's verdicts against issue 9's targets, and its table."""

# The targets, as the issue states them; they live here and never in a test.
ME_MIN_RATIO = 0.75
ME_MAX_QUERIES = 2
MEMBERS_MAX_LATENCY_RATIO = 1.5
LOGIN_MAX_BCRYPT_RATIO = 1.1
READ_MAX_TAIL_RATIO = 3.0
WORKER_MAX_RSS_MB = 120


def _ok(result):
    return result is not None and result.get("status") == "measured"


def _verdict(name, ok, measured, limit):
    if ok is None:
        return {
            "target": name,
            "verdict": "unavailable",
            "measured": None,
            "limit": limit,
        }
    return {
        "target": name,
        "verdict": "met" if ok else "missed",
        "measured": measured,
        "limit": limit,
    }


def _queries(result):
    return (result or {}).get("queries", {}).get("warm")


def _equal_queries(name, small, large):
    if not (_ok(small) and _ok(large)):
        return _verdict(name, None, None, "equal")
    a, b = _queries(small), _queries(large)
    if a is None or b is None:
        return _verdict(name, None, None, "equal")
    return _verdict(name, a == b, f"{a} vs {b}", "equal")


def evaluate(results, worker_rss_mb):
    """Return the list of target verdicts for one run."""
    me = results.get("auth_me")
    verdicts = []
    if _ok(me) and me.get("ratio_to_bare"):
        ratio = me["ratio_to_bare"]
        verdict = _verdict(
            "auth/me throughput / bare", ratio >= ME_MIN_RATIO, ratio, ">= 0.75"
        )
        if me.get("rounds_ratio_to_bare"):
            verdict["rounds"] = me["rounds_ratio_to_bare"]
        verdicts.append(verdict)
        warm = _queries(me)
        verdicts.append(
            _verdict(
                "auth/me SQL queries (warm)",
                None if warm is None else warm <= ME_MAX_QUERIES,
                warm,
                "<= 2",
            )
        )
    else:
        verdicts.append(_verdict("auth/me throughput / bare", None, None, ">= 0.75"))
        verdicts.append(_verdict("auth/me SQL queries (warm)", None, None, "<= 2"))
    small, large = results.get("members_10"), results.get("members_1000")
    verdicts.append(_equal_queries("members queries, 10 vs 1,000", small, large))
    if _ok(small) and _ok(large):
        ratio = round(large["p50_ms"] / small["p50_ms"], 3)
        verdicts.append(
            _verdict(
                "members p50, 1,000 / 10",
                ratio <= MEMBERS_MAX_LATENCY_RATIO,
                ratio,
                "<= 1.5",
            )
        )
    else:
        verdicts.append(_verdict("members p50, 1,000 / 10", None, None, "<= 1.5"))
    verdicts.append(
        _equal_queries(
            "audit queries, 10 vs 10,000",
            results.get("audit_10"),
            results.get("audit_10000"),
        )
    )
    login = results.get("login_serial")
    if _ok(login) and login.get("ratio_to_bcrypt"):
        ratio = login["ratio_to_bcrypt"]
        verdicts.append(
            _verdict(
                "login p50 / one bcrypt verify",
                ratio <= LOGIN_MAX_BCRYPT_RATIO,
                ratio,
                "<= 1.1",
            )
        )
    else:
        verdicts.append(_verdict("login p50 / one bcrypt verify", None, None, "<= 1.1"))
    verdicts.append(_tail_verdict(results))
    verdicts.append(
        _verdict(
            "worker RSS (MB, max)",
            None if worker_rss_mb is None else worker_rss_mb <= WORKER_MAX_RSS_MB,
            worker_rss_mb,
            "<= 120",
        )
    )
    return verdicts


def _tail_verdict(results):
    ratios = {
        name: round(result["p99_ms"] / result["p50_ms"], 2)
        for name, result in results.items()
        if _ok(result) and result["kind"] == "read" and result["p50_ms"]
    }
    if not ratios:
        return _verdict("read p99 / p50 (worst)", None, None, "<= 3")
    worst = max(ratios, key=ratios.get)
    return _verdict(
        "read p99 / p50 (worst)",
        ratios[worst] <= READ_MAX_TAIL_RATIO,
        f"{ratios[worst]} ({worst})",
        "<= 3",
    )


def _cell(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


COLUMNS = (
    "scenario",
    "req/s",
    "bare req/s",
    "x bare",
    "p50 ms",
    "p99 ms",
    "p99/p50",
    "non-2xx",
    "CPU ms/req",
    "CPU x bare",
    "SQL warm",
    "SQL cold",
)


def rows(results, order):
    table = []
    for name in order:
        result = results[name]
        if not _ok(result):
            reason = result.get("reason", "")
            table.append([name, f"unavailable: {reason}"] + [""] * (len(COLUMNS) - 2))
            continue
        tail = result["p99_ms"] / result["p50_ms"] if result["p50_ms"] else None
        queries = result.get("queries") or {}
        table.append(
            [
                name,
                _cell(result["rps"]),
                _cell(result.get("bare_rps")),
                _cell(result.get("ratio_to_bare"), 3),
                _cell(result["p50_ms"], 2),
                _cell(result["p99_ms"], 2),
                _cell(tail, 2),
                _cell(result["non_2xx"]),
                _cell(result.get("cpu_ms_per_request"), 3),
                _cell(result.get("cpu_ratio_to_bare"), 2),
                _cell(queries.get("warm")),
                _cell(queries.get("cold")),
            ]
        )
    return table


def text_table(table):
    widths = [
        max(len(str(row[i])) for row in [COLUMNS, *table]) for i in range(len(COLUMNS))
    ]
    lines = []
    for row in [COLUMNS, *table]:
        cells = [
            str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(table):
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in table]
    return "\n".join(lines)


def verdict_lines(verdicts):
    return [
        f"{item['verdict']:<11} {item['target']}: {_cell(item['measured'], 3)} "
        f"(target {item['limit']}){_rounds(item)}"
        for item in verdicts
    ]


def _rounds(item):
    if not item.get("rounds"):
        return ""
    return "; median of rounds " + ", ".join(str(ratio) for ratio in item["rounds"])
