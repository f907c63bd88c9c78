"""OpenAPI links between organization operations (create, then read and manage)."""

from authy.api.schema import add_links

_ORG = "/api/v1/organizations/{organization_id}"
_MEMBER = _ORG + "/members/{user_id}"
_NEW_ORG = {"organization_id": "$response.body#/data/organization/id"}
_SAME_ORG = {"organization_id": "$request.path.organization_id"}
_NEW_MEMBER = {**_SAME_ORG, "user_id": "$response.body#/data/member/user/id"}

LINKS = {
    ("/api/v1/organizations", "post", "201"): {
        "GetOrganization": (_ORG, "get", _NEW_ORG),
        "UpdateOrganization": (_ORG, "patch", _NEW_ORG),
        "ListMembers": (_ORG + "/members", "get", _NEW_ORG),
        "AddMember": (_ORG + "/members", "post", _NEW_ORG),
        "ReadAuditLog": (_ORG + "/audit-logs", "get", _NEW_ORG),
        "DeleteOrganization": (_ORG, "delete", _NEW_ORG),
    },
    (_ORG + "/members", "post", "201"): {
        "ChangeRole": (_MEMBER + "/role", "patch", _NEW_MEMBER),
        "RemoveMember": (_MEMBER, "delete", _NEW_MEMBER),
    },
}


def link_operations(result, generator, request, public):
    """drf-spectacular post-processing hook: add the links above."""
    return add_links(result, LINKS)
