"""drf-spectacular post-processing: document the envelope clients really receive."""

_SUCCESS = "SuccessEnvelope"
_ERROR = "ErrorEnvelope"
_META = "PageMeta"

_COMMON_ERRORS = {
    "400": "Validation failed or malformed request",
    "404": "Not found",
    "429": "Rate limited",
    "500": "Internal error",
    "503": "Database unavailable",
}
_AUTH_ERRORS = {"401": "Missing, invalid or expired credentials", "403": "Not allowed"}
_WRITE_ERRORS = {
    "409": "Conflict",
    "413": "Body too large",
    "415": "Body is not application/json",
}
_UNWRAPPED = ("/api/schema/", "/api/docs/", "/api/redoc/")


def _components():
    envelope = {
        "version": {"type": "string", "example": "1.0"},
        "code": {"type": "integer"},
        "message": {"type": "string", "minLength": 1},
        "request_id": {"type": "string"},
    }
    return {
        _META: {
            "type": "object",
            "required": ["page", "per_page", "total", "total_pages"],
            "properties": {
                name: {"type": "integer"}
                for name in ("page", "per_page", "total", "total_pages")
            },
        },
        _ERROR: {
            "type": "object",
            "required": [
                "version",
                "success",
                "code",
                "message",
                "request_id",
                "error",
            ],
            "properties": {
                **envelope,
                "success": {"type": "boolean", "enum": [False]},
                "error": {
                    "type": "object",
                    "required": ["type", "details"],
                    "properties": {
                        "type": {"type": "string"},
                        "details": {"type": "object", "additionalProperties": True},
                    },
                },
            },
        },
        _SUCCESS: {
            "type": "object",
            "required": ["version", "success", "code", "message", "request_id", "data"],
            "properties": {
                **envelope,
                "success": {"type": "boolean", "enum": [True]},
                "data": {"type": "object"},
                "meta": {"$ref": f"#/components/schemas/{_META}"},
            },
        },
    }


def _wrap_success(response):
    content = response.setdefault("content", {})
    if content and "application/json" not in content:
        return  # A raw document (for example SAML metadata XML) is not enveloped.
    inner = content.get("application/json", {}).get("schema", {"type": "object"})
    content.clear()
    content["application/json"] = {
        "schema": {
            "allOf": [
                {"$ref": f"#/components/schemas/{_SUCCESS}"},
                {"type": "object", "properties": {"data": inner}},
            ]
        }
    }


def _error_response(description):
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{_ERROR}"}}
        },
    }


def wrap_in_envelope(result, generator, request, public):
    """Wrap 2xx bodies in the success envelope and document the error envelope."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(_components())
    for path, operations in result.get("paths", {}).items():
        if path.startswith(_UNWRAPPED):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _wrap_operation(method, operation)
    return result


def _wrap_operation(method, operation):
    responses = operation["responses"]
    errors = dict(_COMMON_ERRORS)
    if {} not in operation.get("security", [{}]):
        errors.update(_AUTH_ERRORS)
    if method in ("post", "put", "patch", "delete"):
        errors.update(_WRITE_ERRORS)
        errors.setdefault("401", "Invalid credentials")
    for code, response in list(responses.items()):
        if code.startswith("2"):
            _wrap_success(response)
        elif code[0] in "45":
            responses[code] = _error_response(response.get("description", ""))
    for code, description in errors.items():
        responses.setdefault(code, _error_response(description))


def add_links(result, links):
    """Declare OpenAPI links, so stateful clients (and fuzzers) can chain calls.

    `links` maps (path, method, status) of a response to {name: (path, method,
    {parameter: runtime expression})} of the operation it leads to. Entries whose
    operations are absent from this schema are skipped.
    """
    paths = result.get("paths", {})
    for (path, method, status), targets in links.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        for name, (target_path, target_method, parameters) in targets.items():
            target = paths.get(target_path, {}).get(target_method)
            if target is None:
                continue
            response.setdefault("links", {})[name] = {
                "operationId": target["operationId"],
                "parameters": parameters,
            }
    return result
