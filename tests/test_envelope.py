"""Every /api/ answer is the JSON envelope, whatever went wrong."""

import json

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.urls")]


def assert_error(response, status, error_type):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["code"] == status
    assert body["version"] == "1.0"
    assert body["message"]
    assert body["request_id"] == response["X-Request-ID"]
    assert body["error"]["type"] == error_type
    assert isinstance(body["error"]["details"], dict)
    assert "data" not in body
    return body


def test_success_is_wrapped_with_data_and_message(api_client):
    response = api_client.get("/api/health")

    body = response.json()
    assert response.status_code == 200
    assert body["success"] is True
    assert body["code"] == 200
    assert body["message"] == "Service is healthy"
    assert body["data"]["status"] == "healthy"
    assert "error" not in body


def test_created_is_201_with_data(api_client):
    response = api_client.post("/api/v1/_test/create", {"name": "x"}, format="json")

    assert response.status_code == 201
    assert response.json()["code"] == 201
    assert response.json()["data"] == {"name": "x"}


def test_validation_error_names_the_field(api_client):
    response = api_client.post(
        "/api/v1/_test/create", {"name": "much too long"}, format="json"
    )

    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["name"]


def test_malformed_json_is_bad_request(api_client):
    response = api_client.post(
        "/api/v1/_test/create", data="{not json", content_type="application/json"
    )

    assert_error(response, 400, "BAD_REQUEST")


def test_missing_credentials_are_401_with_challenge(api_client):
    response = api_client.get("/api/v1/_test/protected")

    assert_error(response, 401, "AUTHENTICATION_ERROR")
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")

    response = api_client.get("/api/v1/_test/protected")

    assert_error(response, 401, "AUTHENTICATION_ERROR")


def test_valid_token_reaches_the_view(auth_client, user):
    response = auth_client.get("/api/v1/_test/protected")

    assert response.status_code == 200
    assert response.json()["data"] == {"email": user.email}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("kind", "status", "error_type"),
    [
        ("forbidden", 403, "AUTHORIZATION_ERROR"),
        ("conflict", 409, "CONFLICT"),
        ("ratelimited", 429, "RATE_LIMIT_EXCEEDED"),
    ],
)
def test_raised_api_errors_map_to_the_table(api_client, kind, status, error_type):
    response = api_client.get(f"/api/v1/_test/raise/{kind}")

    assert_error(response, status, error_type)


def test_rate_limit_carries_retry_after(api_client):
    response = api_client.get("/api/v1/_test/raise/ratelimited")

    assert response["Retry-After"] == "42"


def test_unknown_api_path_is_json_404(api_client):
    response = api_client.get("/api/v1/no/such/thing")

    assert_error(response, 404, "NOT_FOUND")


def test_wrong_method_is_405(api_client):
    response = api_client.delete("/api/health")

    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in response["Allow"]


def test_body_over_the_limit_is_413(api_client, settings):
    settings.MAX_REQUEST_BODY = 2048
    body = json.dumps({"name": "x" * 4096})

    response = api_client.post(
        "/api/v1/_test/create", data=body, content_type="application/json"
    )

    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_non_json_body_is_415(api_client):
    response = api_client.post(
        "/api/v1/_test/create", data="name=x", content_type="text/plain"
    )

    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    "path", ["/api/v1/_test/raise/crash", "/api/v1/_test/plain-crash"]
)
def test_unhandled_exception_is_500_without_traceback(path):
    client = Client(raise_request_exception=False)

    response = client.get(path)

    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert "secret-internal-detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["message"] == "An internal error occurred."


def test_html_accept_header_still_gets_json(api_client):
    response = api_client.get("/api/health", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_non_api_404_stays_html(client):
    response = client.get("/not-the-api")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
