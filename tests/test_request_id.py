"""Request ids: accepted when well-formed, generated otherwise, echoed and logged."""

import json
import logging
import uuid

import pytest

pytestmark = pytest.mark.django_db


def test_valid_incoming_request_id_is_echoed(api_client):
    response = api_client.get("/api/health", HTTP_X_REQUEST_ID="abc.DEF_123-x")

    assert response["X-Request-ID"] == "abc.DEF_123-x"
    assert response.json()["request_id"] == "abc.DEF_123-x"


def test_missing_request_id_is_generated_as_uuid4(api_client):
    response = api_client.get("/api/health")

    generated = uuid.UUID(response["X-Request-ID"])
    assert generated.version == 4
    assert response.json()["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize(
    "bad", ["has space", "x" * 129, "semi;colon", "<script>", "ünïcode", ""]
)
def test_invalid_request_id_is_replaced(api_client, bad):
    response = api_client.get("/api/health", HTTP_X_REQUEST_ID=bad)

    assert response["X-Request-ID"] != bad
    assert uuid.UUID(response["X-Request-ID"]).version == 4


@pytest.mark.urls("tests.urls")
def test_log_lines_carry_the_request_id(api_client, caplog):
    from authy.logging import RequestIdFilter

    caplog.handler.addFilter(RequestIdFilter())

    api_client.get("/api/v1/_test/raise/crash", HTTP_X_REQUEST_ID="trace-me-1")

    records = [r for r in caplog.records if r.name == "authy.api.exceptions"]
    assert records and records[0].request_id == "trace-me-1"


def test_json_formatter_emits_one_object_per_line():
    from authy.logging import JsonFormatter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("w",), None)
    record.request_id = "rid-1"

    line = JsonFormatter().format(record)

    assert json.loads(line) == {
        "time": json.loads(line)["time"],
        "level": "INFO",
        "logger": "x",
        "request_id": "rid-1",
        "message": "hello w",
    }
