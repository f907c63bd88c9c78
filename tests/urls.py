"""Test-only URLs: the product's URLs plus views that raise on purpose."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from authy.api import errors
from authy.api.responses import ApiResponse
from authy.urls import handler404, handler500
from authy.urls import urlpatterns as product_urls

__all__ = ["handler404", "handler500", "urlpatterns"]

_RAISES = {
    "forbidden": errors.Forbidden,
    "conflict": errors.Conflict,
    "ratelimited": lambda: errors.RateLimited(retry_after=42),
    "crash": lambda: RuntimeError("boom: secret-internal-detail"),
}


class _EchoInput(serializers.Serializer):
    name = serializers.CharField(max_length=10)


class RaiseView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, kind):
        raise _RAISES[kind]()


class CreateView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        payload = _EchoInput(data=request.data)
        payload.is_valid(raise_exception=True)
        return ApiResponse(payload.validated_data, message="Created", status=201)


class ProtectedView(APIView):
    def get(self, request):
        return ApiResponse({"email": request.user.email}, message="Hello")


def plain_crash(request):
    raise RuntimeError("boom: secret-internal-detail")


urlpatterns = [
    path("api/v1/_test/raise/<str:kind>", RaiseView.as_view()),
    path("api/v1/_test/create", CreateView.as_view()),
    path("api/v1/_test/protected", ProtectedView.as_view()),
    path("api/v1/_test/plain-crash", plain_crash),
    path("", include(product_urls)),
]
