"""Security headers and CORS on API responses."""

import pytest

pytestmark = pytest.mark.django_db

ORIGIN = "https://app.example.com"


def test_api_responses_carry_security_headers(api_client):
    response = api_client.get("/api/health")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["Cache-Control"] == "no-store"


def test_hsts_is_sent_over_https(api_client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = api_client.get("/api/health", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_cors_preflight_for_an_allowed_origin(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]

    response = api_client.options(
        "/api/v1/auth/login",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, x-request-id",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "x-request-id"} <= set(
        h.strip() for h in allowed.split(",")
    )


def test_cors_refuses_an_unlisted_origin(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]

    response = api_client.options(
        "/api/v1/auth/login",
        HTTP_ORIGIN="https://evil.example.net",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )

    assert "Access-Control-Allow-Origin" not in response


def test_cors_exposes_the_request_id(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]

    response = api_client.get("/api/health", HTTP_ORIGIN=ORIGIN)

    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "x-request-id" in response["Access-Control-Expose-Headers"].lower()
