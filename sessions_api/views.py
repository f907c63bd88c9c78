"""The /auth/* endpoints: register, login, logout, me, and the caller's sessions."""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.serializers import (
    LoginInput,
    RegisterInput,
    UserSerializer,
    parse_input,
    user_payload,
)
from accounts.throttle import limit_by_ip
from authy.api.errors import NotFound
from authy.api.responses import ApiResponse
from organizations.selectors import organizations_of
from sessions_api import services
from sessions_api.serializers import (
    MeResult,
    SessionListResult,
    SessionSerializer,
    SessionsRevokedResult,
    SessionTokenResult,
    session_payload,
)

# The API guard sets this on every /api/ answer; a token must not depend on that.
NO_STORE = {"Cache-Control": "no-store"}

LogoutResult = inline_serializer("LogoutResult", {})
SessionRevokedResult = inline_serializer("SessionRevokedResult", {})


def _token_result(user, session, token):
    return {
        "user": UserSerializer(user).data,
        "token": token,
        "expires_at": serializers.DateTimeField().to_representation(session.expires_at),
    }


class RegisterView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"],
        request=RegisterInput,
        examples=[
            OpenApiExample(
                "New account",
                value={
                    "email": "new.person@example.com",
                    "password": "Quiet-Harbour-Lantern-7",
                    "full_name": "New Person",
                },
                request_only=True,
            )
        ],
        responses={
            201: SessionTokenResult,
            409: OpenApiResponse(description="The email is already registered"),
            429: OpenApiResponse(description="IP rate limit; see Retry-After"),
        },
    )
    def post(self, request):
        limit_by_ip(request, "register")
        data = parse_input(RegisterInput, request.data)
        user, session, token = services.register(
            data["email"], data["password"], data.get("full_name", "")
        )
        return ApiResponse(
            _token_result(user, session, token),
            message="Registration successful",
            status=201,
            headers=NO_STORE,
        )


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"],
        request=LoginInput,
        examples=[
            OpenApiExample(
                "Password login",
                value={
                    "email": "new.person@example.com",
                    "password": "Quiet-Harbour-Lantern-7",
                    "remember_me": False,
                },
                request_only=True,
            )
        ],
        responses={
            200: SessionTokenResult,
            401: OpenApiResponse(description="Invalid email or password"),
            403: OpenApiResponse(
                description="Right password, but the account is not active or a "
                "login policy refuses password login"
            ),
            429: OpenApiResponse(
                description="IP rate limit or account lockout; see Retry-After"
            ),
        },
    )
    def post(self, request):
        limit_by_ip(request, "login")
        data = parse_input(LoginInput, request.data)
        user, session, token = services.login_with_password(
            data["email"], data["password"], remember_me=data["remember_me"]
        )
        return ApiResponse(
            _token_result(user, session, token),
            message="Login successful",
            headers=NO_STORE,
        )


class LogoutView(APIView):
    @extend_schema(tags=["auth"], request=None, responses=LogoutResult)
    def post(self, request):
        services.logout(request.user, request.auth)
        return ApiResponse({}, message="Logged out")


class MeView(APIView):
    @extend_schema(tags=["auth"], responses=MeResult)
    def get(self, request):
        # The session comes from the authentication's cached entry: no query.
        # Plain builders instead of serializers: this is the hottest read.
        data = {
            "user": user_payload(request.user),
            "organizations": organizations_of(request.user),
            "session": session_payload(request.auth, request.auth.id),
        }
        return ApiResponse(data, message="OK")


class SessionListView(APIView):
    @extend_schema(tags=["auth"], responses=SessionListResult)
    def get(self, request):
        sessions = services.active_sessions(request.user)
        data = SessionSerializer(
            sessions, many=True, context={"current_id": request.auth.id}
        ).data
        return ApiResponse({"sessions": data, "count": len(data)}, message="OK")

    @extend_schema(
        tags=["auth"],
        request=None,
        responses={200: SessionsRevokedResult},
        operation_id="v1_auth_sessions_revoke_others",
    )
    def delete(self, request):
        count = services.revoke_other_sessions(request.user, request.auth)
        return ApiResponse({"revoked": count}, message="Other sessions revoked")


class SessionDetailView(APIView):
    @extend_schema(
        tags=["auth"],
        request=None,
        responses={200: SessionRevokedResult},
        operation_id="v1_auth_sessions_revoke",
        parameters=[
            OpenApiParameter("session_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
        ],
    )
    def delete(self, request, session_id):
        try:
            session_uuid = uuid.UUID(session_id)
        except ValueError:
            # A malformed id names no session; it is answered like an unknown one.
            raise NotFound("Session not found.") from None
        services.revoke_own_session(request.user, session_uuid)
        return ApiResponse({}, message="Session revoked")
