"""Public federated-login endpoints: the provider list and the code exchange."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.serializers import UserSerializer
from authy.api.fields import reject_unknown_fields
from authy.api.responses import ApiResponse
from federation.codes import redeem_login_code
from federation.providers import configured_providers, login_url
from federation.serializers import ProvidersResult


class ExchangeInput(serializers.Serializer):
    code = serializers.CharField(max_length=256)


TokenResult = inline_serializer(
    "TokenResult",
    {
        "user": UserSerializer(),
        "token": serializers.CharField(),
        "expires_at": serializers.DateTimeField(),
    },
)


class ExchangeView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=ExchangeInput, responses=TokenResult, tags=["auth"])
    def post(self, request):
        reject_unknown_fields(request.data, ["code"])
        payload = ExchangeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        user, session, token = redeem_login_code(payload.validated_data["code"])
        data = {
            "user": UserSerializer(user).data,
            "token": token,
            "expires_at": serializers.DateTimeField().to_representation(
                session.expires_at
            ),
        }
        return ApiResponse(
            data, message="Login successful", headers={"Cache-Control": "no-store"}
        )


class ProvidersView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=ProvidersResult, tags=["auth"])
    def get(self, request):
        providers = [
            {
                "id": provider.id,
                "name": provider.name,
                "type": provider.type,
                "login_url": login_url(request, provider.id),
            }
            for provider in configured_providers()
        ]
        return ApiResponse({"providers": providers}, message="Sign-in providers")
