"""The OpenAPI schema documents the accounts and sessions endpoints as answered."""

import pytest
import yaml

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("/api/v1/auth/register", "post", "201"),
    ("/api/v1/auth/login", "post", "200"),
    ("/api/v1/auth/logout", "post", "200"),
    ("/api/v1/auth/me", "get", "200"),
    ("/api/v1/auth/sessions", "get", "200"),
    ("/api/v1/auth/sessions", "delete", "200"),
    ("/api/v1/auth/sessions/{session_id}", "delete", "200"),
    ("/api/v1/users/me", "get", "200"),
    ("/api/v1/users/me", "patch", "200"),
    ("/api/v1/users/me", "delete", "200"),
    ("/api/v1/users/me/password", "post", "200"),
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


@pytest.mark.parametrize(("path", "method", "status"), OPERATIONS)
def test_each_endpoint_documents_its_enveloped_success(schema, path, method, status):
    # when
    responses = schema["paths"][path][method]["responses"]

    # then
    success = responses[status]["content"]["application/json"]["schema"]
    assert success["allOf"][0] == {"$ref": "#/components/schemas/SuccessEnvelope"}
    assert "204" not in responses


def test_login_documents_the_token_result_and_its_inputs(schema):
    # when
    login = schema["paths"]["/api/v1/auth/login"]["post"]

    # then
    request = login["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = request.rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {
        "email",
        "password",
        "remember_me",
    }
    assert login["security"] == [{}] or "security" not in login
    assert {"401", "403", "429"} <= set(login["responses"])
