"""OpenAPI for sessions: the bearer scheme and links between session operations."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from authy.api.schema import add_links

_SESSIONS = "/api/v1/auth/sessions"
LINKS = {
    (_SESSIONS, "get", "200"): {
        "RevokeSession": (
            _SESSIONS + "/{session_id}",
            "delete",
            {"session_id": "$response.body#/data/sessions/0/id"},
        ),
    },
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "sessions_api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An opaque session token from login, register or exchange.",
        }


def link_operations(result, generator, request, public):
    """drf-spectacular post-processing hook: add the links above."""
    return add_links(result, LINKS)
