"""Account endpoints: the caller's profile, password and deletion."""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework.views import APIView

from accounts import services
from accounts.serializers import (
    AccountDeleteInput,
    PasswordChangeInput,
    PasswordChangeResult,
    ProfileInput,
    UserResult,
    UserSerializer,
    parse_input,
)
from authy.api.responses import ApiResponse

AccountDeletedResult = inline_serializer("AccountDeletedResult", {})


class UserMeView(APIView):
    @extend_schema(responses=UserResult, tags=["users"])
    def get(self, request):
        return ApiResponse({"user": UserSerializer(request.user).data}, message="OK")

    @extend_schema(
        request=ProfileInput,
        responses=UserResult,
        tags=["users"],
        examples=[
            OpenApiExample(
                "Rename",
                value={"full_name": "Ada Lovelace"},
                request_only=True,
            )
        ],
    )
    def patch(self, request):
        changes = parse_input(ProfileInput, request.data)
        user = services.update_profile(request.user, changes)
        return ApiResponse(
            {"user": UserSerializer(user).data}, message="Profile updated"
        )

    @extend_schema(
        request=AccountDeleteInput,
        responses={200: AccountDeletedResult},
        tags=["users"],
    )
    def delete(self, request):
        # A DELETE may come without a body; that is an empty object, not an error.
        data = parse_input(AccountDeleteInput, request.data or {})
        services.delete_account(request.user, data.get("password", ""))
        return ApiResponse({}, message="Account deleted")


class PasswordChangeView(APIView):
    @extend_schema(
        request=PasswordChangeInput, responses=PasswordChangeResult, tags=["users"]
    )
    def post(self, request):
        data = parse_input(PasswordChangeInput, request.data)
        revoked = services.change_password(
            request.user,
            data.get("current_password", ""),
            data["new_password"],
            keep_session_id=request.auth.id,
        )
        return ApiResponse({"revoked_sessions": revoked}, message="Password changed")
