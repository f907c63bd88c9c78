"""Hand-written hostile inputs the fuzzer will not think of, over every operation.

The operations come from the live OpenAPI document, so an endpoint added later is
covered without touching this file. Every answer must be the JSON envelope, never a
500, never a traceback.
"""

import json
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

from organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db

PROBES = [
    "'; DROP TABLE authy_accounts_user; --",
    '" OR 1=1 --',
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    "<script>alert(1)</script>",
]
_SKIP_PREFIXES = ("/api/schema/", "/api/docs/", "/api/redoc/")
_WRITE = ("post", "put", "patch", "delete")


def _operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        if path.startswith(_SKIP_PREFIXES):
            continue
        for method, operation in methods.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation, schema


def _resolve_ref(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _body_schema(operation, schema):
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    return _resolve_ref(schema, body) if body else None


def _string_fields(body):
    return [
        name
        for name, prop in (body or {}).get("properties", {}).items()
        if prop.get("type") == "string" and not prop.get("readOnly")
    ]


@pytest.fixture
def world(user_factory, client_for, settings):
    # A configured provider, so provider-scoped URLs reach their body parsing.
    settings.SOCIAL_AUTH_GOOGLE_KEY = "hostile-client-id"
    settings.SOCIAL_AUTH_GOOGLE_SECRET = "hostile-client-secret"
    settings.FRONTEND_REDIRECT_ALLOWLIST = ["https://app.example.com/callback"]
    owner = user_factory(full_name="Owner Person")
    other = user_factory(full_name="Other Person")
    org = Organization.objects.create(name="Hostile Org", slug="hostile-org")
    Membership.objects.create(organization=org, user=owner, role="owner")
    Membership.objects.create(organization=org, user=other, role="member")
    return {"owner": owner, "other": other, "org": org, "client": client_for(owner)}


def _fill(path, world, id_value=None):
    values = {
        "id": id_value or str(world["org"].id),
        "organization_id": id_value or str(world["org"].id),
        "userId": id_value or str(world["other"].id),
        "user_id": id_value or str(world["other"].id),
        "slug": world["org"].slug,
        "provider": "google",
        "domain": "example.com",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def assert_envelope(response, allowed=None):
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response.content[
        :200
    ]
    body = response.json()
    assert body["code"] == response.status_code
    assert "Traceback" not in response.content.decode("utf-8", "replace")
    if allowed is not None:
        assert response.status_code in allowed, (response.status_code, body)
    return body


def _send(client, method, path, data, content_type="application/json"):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data=data, content_type=content_type)


def _body_operations():
    return [
        pytest.param(path, method, id=f"{method.upper()} {path}")
        for path, method, operation, schema in _operations()
        if method in _WRITE and _body_schema(operation, schema) is not None
    ]


def _operation(path, method):
    for p, m, operation, schema in _operations():
        if (p, m) == (path, method):
            return operation, schema
    raise LookupError(path)


@pytest.mark.parametrize(("path", "method"), _body_operations())
def test_wrong_content_type_is_415(world, path, method):
    response = _send(world["client"], method, _fill(path, world), "a=b", "text/plain")

    assert_envelope(response, {415})


@pytest.mark.parametrize(("path", "method"), _body_operations())
def test_body_over_the_limit_is_413(world, path, method, settings):
    settings.MAX_REQUEST_BODY = 4096
    data = json.dumps({"padding": "x" * 8192})

    response = _send(world["client"], method, _fill(path, world), data)

    assert_envelope(response, {413})


@pytest.mark.parametrize(("path", "method"), _body_operations())
def test_deeply_nested_json_is_a_bad_request(world, path, method):
    data = "[" * 100_000 + "]" * 100_000

    response = _send(world["client"], method, _fill(path, world), data)

    assert assert_envelope(response, {400})["error"]["type"] == "BAD_REQUEST"


@pytest.mark.parametrize(("path", "method"), _body_operations())
def test_invalid_utf8_is_a_bad_request(world, path, method):
    data = b'{"name": "\xff\xfe\xfd"}'

    response = _send(world["client"], method, _fill(path, world), data)

    assert_envelope(response, {400})


@pytest.mark.parametrize(("path", "method"), _body_operations())
def test_duplicate_keys_never_crash(world, path, method):
    data = '{"email": "a@example.com", "email": "b@example.com", "name": 1, "name": 2}'

    response = _send(world["client"], method, _fill(path, world), data)

    assert_envelope(response)


@pytest.mark.parametrize(("path", "method"), _body_operations())
def test_hostile_strings_in_every_text_field_never_crash(world, path, method):
    operation, schema = _operation(path, method)
    fields = _string_fields(_body_schema(operation, schema))
    hostile = ["nul\x00byte", "x" * 10_000, 12345, ["list"], {"obj": 1}, *PROBES]

    for field in fields:
        for value in hostile:
            response = _send(
                world["client"], method, _fill(path, world), json.dumps({field: value})
            )
            body = assert_envelope(response)
            if isinstance(value, str) and "\x00" in value:
                assert response.status_code == 400
                assert body["error"]["type"] == "VALIDATION_ERROR"


def _id_operations():
    return [
        pytest.param(path, method, id=f"{method.upper()} {path}")
        for path, method, _, _ in _operations()
        if "{id}" in path or "Id}" in path or "_id}" in path
    ]


@pytest.mark.parametrize(("path", "method"), _id_operations())
@pytest.mark.parametrize("bad_id", ["not-a-uuid", "1", "%00", str(uuid.uuid4())])
def test_path_ids_that_are_not_known_uuids_are_404(world, path, method, bad_id):
    url = _fill(path, world, id_value=bad_id)

    response = _send(world["client"], method, url, "{}")

    assert_envelope(response, {404})


def _paginated_operations():
    return [
        pytest.param(path, id=path)
        for path, method, operation, _ in _operations()
        if method == "get"
        and any(p.get("name") == "page" for p in operation.get("parameters", []))
    ]


@pytest.mark.parametrize("path", _paginated_operations())
@pytest.mark.parametrize(
    "query",
    [
        "page=10000000000000000000000",
        "page=0",
        "page=-1",
        "per_page=101",
        "per_page=abc",
        "page=1.5",
        "per_page=%00",
    ],
)
def test_out_of_range_paging_is_a_validation_error(world, path, query):
    response = world["client"].get(f"{_fill(path, world)}?{query}")

    body = assert_envelope(response, {400})
    assert body["error"]["type"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("path", _paginated_operations())
def test_a_page_past_the_end_is_empty_not_an_error(world, path):
    response = world["client"].get(f"{_fill(path, world)}?page=999999")

    body = assert_envelope(response, {200})
    assert body["meta"]["page"] == 999999


def test_nul_in_a_query_string_is_a_validation_error(auth_client):
    response = auth_client.get("/api/health?search=a%00b")

    assert assert_envelope(response, {400})["error"]["type"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("probe", PROBES)
def test_injection_probes_in_a_profile_are_stored_as_plain_text(auth_client, probe):
    response = auth_client.patch(
        "/api/v1/users/me", {"full_name": probe[:150]}, format="json"
    )
    if response.status_code == 404:
        pytest.skip("profile endpoint not available")

    assert_envelope(response, {200})
    assert (
        auth_client.get("/api/v1/users/me").json()["data"]["user"]["full_name"]
        == (probe[:150])
    )


@pytest.mark.parametrize("probe", PROBES)
def test_injection_probes_in_an_organization_are_stored_as_plain_text(world, probe):
    client = world["client"]

    response = client.patch(
        f"/api/v1/organizations/{world['org'].id}",
        {"name": probe, "description": probe},
        format="json",
    )
    if response.status_code == 404:
        pytest.skip("organization endpoint not available")

    assert_envelope(response, {200})
    organization = client.get(f"/api/v1/organizations/{world['org'].id}").json()[
        "data"
    ]["organization"]
    assert (organization["name"], organization["description"]) == (probe, probe)
