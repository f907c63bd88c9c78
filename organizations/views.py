"""Organization and member endpoints, and the caller's organizations."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.views import APIView

from authy.api.fields import reject_unknown_fields
from authy.api.pagination import paginate
from authy.api.responses import ApiResponse
from organizations import selectors, services
from organizations.permissions import OrgAction, require
from organizations.serializers import (
    MemberAddInput,
    MemberFilterInput,
    MemberSerializer,
    OrganizationCreateInput,
    OrganizationSerializer,
    OrganizationUpdateInput,
    RoleInput,
    member_payload,
)

_ORG_ID = OpenApiParameter(
    "organization_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The organization's id; any id the caller is not a member of is 404.",
)
_USER_ID = OpenApiParameter(
    "user_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The member's id."
)
_TAGS = ["organizations"]

OrganizationResult = inline_serializer(
    "OrganizationResult", {"organization": OrganizationSerializer()}
)
OrganizationDetailResult = inline_serializer(
    "OrganizationDetailResult",
    {
        "organization": OrganizationSerializer(),
        "member_count": serializers.IntegerField(),
    },
)
OrganizationListResult = inline_serializer(
    "OrganizationListResult",
    {
        "organizations": OrganizationSerializer(many=True),
        "count": serializers.IntegerField(),
    },
)
MemberResult = inline_serializer("MemberResult", {"member": MemberSerializer()})
MemberListResult = inline_serializer(
    "MemberListResult",
    {
        "members": MemberSerializer(many=True),
        "count": serializers.IntegerField(
            help_text="Members on this page; `meta.total` counts every match."
        ),
    },
)
EmptyResult = inline_serializer("OrganizationEmptyResult", {})


def _valid(serializer_class, data, allowed):
    reject_unknown_fields(data, allowed)
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


class OrganizationCreateView(APIView):
    @extend_schema(
        request=OrganizationCreateInput,
        examples=[
            OpenApiExample(
                "New organization",
                value={"name": "Example Corp", "description": "Our company"},
                request_only=True,
            )
        ],
        responses={201: OrganizationResult},
        tags=_TAGS,
        description=(
            "Create an organization; the caller becomes its owner. Without `slug`, "
            "one is generated from the name (with a numeric suffix when taken); a "
            "given slug that is taken is 409."
        ),
    )
    def post(self, request):
        fields = _valid(
            OrganizationCreateInput,
            request.data,
            ["name", "slug", "description", "logo_url"],
        )
        organization = services.create_organization(request.user, **fields)
        return ApiResponse(
            {"organization": OrganizationSerializer(organization).data},
            message="Organization created",
            status=201,
        )


class OrganizationDetailView(APIView):
    @extend_schema(parameters=[_ORG_ID], responses=OrganizationDetailResult, tags=_TAGS)
    def get(self, request, organization_id):
        organization, member_count = selectors.organization_for(
            organization_id, request.user
        )
        data = {
            "organization": OrganizationSerializer(organization).data,
            "member_count": member_count,
        }
        return ApiResponse(data, message="Organization retrieved")

    @extend_schema(
        parameters=[_ORG_ID],
        request=OrganizationUpdateInput,
        responses=OrganizationResult,
        tags=_TAGS,
        description="Admins and owners. Only name, description and logo_url change.",
    )
    def patch(self, request, organization_id):
        require(organization_id, request.user, OrgAction.UPDATE)
        changes = _valid(
            OrganizationUpdateInput, request.data, ["name", "description", "logo_url"]
        )
        organization = services.update_organization(
            organization_id, request.user, changes
        )
        return ApiResponse(
            {"organization": OrganizationSerializer(organization).data},
            message="Organization updated",
        )

    @extend_schema(
        parameters=[_ORG_ID],
        request=None,
        responses=EmptyResult,
        tags=_TAGS,
        description="Owners only. Memberships go with it; audit events stay.",
    )
    def delete(self, request, organization_id):
        services.delete_organization(organization_id, request.user)
        return ApiResponse({}, message="Organization deleted")


class MemberListView(APIView):
    @extend_schema(
        parameters=[
            _ORG_ID,
            OpenApiParameter("page", int, description="Page number, from 1."),
            OpenApiParameter("per_page", int, description="1 to 100; default 50."),
            OpenApiParameter("role", str, enum=["owner", "admin", "member", "guest"]),
            OpenApiParameter(
                "search",
                str,
                description="Case-insensitive substring of the email or full name.",
            ),
        ],
        responses=MemberListResult,
        tags=_TAGS,
        description="Members and above. Oldest membership first.",
    )
    def get(self, request, organization_id):
        membership = require(organization_id, request.user, OrgAction.LIST_MEMBERS)
        filters = MemberFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        organization = membership.organization
        rows = selectors.member_rows(organization, **filters.validated_data)
        counted = selectors.members_of(organization, **filters.validated_data)
        page, meta = paginate(rows, request.query_params, count_queryset=counted)
        data = {"members": [member_payload(m) for m in page], "count": len(page)}
        return ApiResponse(data, message="Members retrieved", meta=meta)

    @extend_schema(
        parameters=[_ORG_ID],
        request=MemberAddInput,
        examples=[
            OpenApiExample(
                "Add a member",
                value={"email": "colleague@example.com", "role": "member"},
                request_only=True,
            )
        ],
        responses={201: MemberResult},
        tags=_TAGS,
        description=(
            "Admins and owners; only owners add owners. An email with no active "
            "account is 404; an existing member is 409."
        ),
    )
    def post(self, request, organization_id):
        require(organization_id, request.user, OrgAction.MANAGE_MEMBERS)
        fields = _valid(MemberAddInput, request.data, ["email", "role"])
        membership = services.add_member(organization_id, request.user, **fields)
        return ApiResponse(
            {"member": MemberSerializer(membership).data},
            message="Member added",
            status=201,
        )


class MemberDetailView(APIView):
    @extend_schema(
        parameters=[_ORG_ID, _USER_ID],
        request=None,
        responses=EmptyResult,
        tags=_TAGS,
        description=(
            "Admins and owners remove others (only owners remove owners); anyone "
            "may remove themselves. The last owner cannot be removed (409)."
        ),
    )
    def delete(self, request, organization_id, user_id):
        services.remove_member(organization_id, request.user, user_id)
        return ApiResponse({}, message="Member removed")


class MemberRoleView(APIView):
    @extend_schema(
        parameters=[_ORG_ID, _USER_ID],
        request=RoleInput,
        responses=MemberResult,
        tags=_TAGS,
        description=(
            "Admins and owners; only owners promote to or demote from owner. "
            "Demoting the last owner is 409."
        ),
    )
    def patch(self, request, organization_id, user_id):
        require(organization_id, request.user, OrgAction.MANAGE_MEMBERS)
        fields = _valid(RoleInput, request.data, ["role"])
        membership = services.change_role(
            organization_id, request.user, user_id, fields["role"]
        )
        return ApiResponse(
            {"member": MemberSerializer(membership).data}, message="Role changed"
        )


class MyOrganizationsView(APIView):
    @extend_schema(responses=OrganizationListResult, tags=["users"])
    def get(self, request):
        organizations = selectors.organizations_with_role(request.user)
        data = {
            "organizations": OrganizationSerializer(organizations, many=True).data,
            "count": len(organizations),
        }
        return ApiResponse(data, message="Organizations retrieved")
