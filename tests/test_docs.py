"""The OpenAPI schema, Swagger UI and ReDoc are served, with local assets only."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_and_shows_the_envelope(client):
    response = client.get("/api/schema/")

    schema = yaml.safe_load(response.content)
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    assert "SuccessEnvelope" in schema["components"]["schemas"]
    health = schema["paths"]["/api/health"]["get"]["responses"]
    assert health["200"]["content"]["application/json"]["schema"]["allOf"][0] == {
        "$ref": "#/components/schemas/SuccessEnvelope"
    }
    assert health["503"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_assets_from_this_server(client, path):
    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_swagger_assets_are_served(client, settings):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert "swagger-ui-bundle.js" in page
    assert script.status_code == 200


def test_schema_links_a_created_organization_to_its_operations(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    created = schema["paths"]["/api/v1/organizations"]["post"]["responses"]["201"]
    link = created["links"]["GetOrganization"]
    assert link["operationId"] == "v1_organizations_retrieve"
    assert link["parameters"] == {
        "organization_id": "$response.body#/data/organization/id"
    }


def test_profile_urls_are_not_promised_as_uris_when_unset(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    avatar = schema["components"]["schemas"]["User"]["properties"]["avatar_url"]
    assert avatar.get("format") != "uri"
