"""The signed-in user's linked accounts: list, start a link, unlink."""

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from authy.api.errors import ValidationFailed
from authy.api.fields import reject_unknown_fields
from authy.api.responses import ApiResponse
from federation import services
from federation.browser_views import REDIRECT_NOT_ALLOWED
from federation.providers import get_provider, login_url
from federation.redirects import is_allowed_redirect, with_params
from federation.serializers import (
    LinkedAccountSerializer,
    LinkedAccountsResult,
    LinkStartInput,
    LinkStartResult,
)


class LinkedAccountsView(APIView):
    @extend_schema(responses=LinkedAccountsResult, tags=["users"])
    def get(self, request):
        identities = services.linked_accounts(request.user)
        data = {"linked_accounts": LinkedAccountSerializer(identities, many=True).data}
        return ApiResponse(data, message="Linked accounts")


class LinkStartView(APIView):
    @extend_schema(request=LinkStartInput, responses=LinkStartResult, tags=["users"])
    def post(self, request, provider):
        provider = get_provider(provider)
        reject_unknown_fields(request.data, ["redirect_uri"])
        payload = LinkStartInput(data=request.data)
        payload.is_valid(raise_exception=True)
        redirect_uri = payload.validated_data["redirect_uri"]
        if not is_allowed_redirect(redirect_uri):
            raise ValidationFailed.on_field("redirect_uri", REDIRECT_NOT_ALLOWED)
        ticket, expires_at = services.issue_link_ticket(
            request.user, provider.id, redirect_uri
        )
        url = with_params(
            login_url(request, provider.id),
            redirect_uri=redirect_uri,
            link_ticket=ticket,
        )
        data = LinkStartResult({"login_url": url, "expires_at": expires_at}).data
        return ApiResponse(data, message="Open the login URL in the browser")


class LinkedAccountDetailView(APIView):
    @extend_schema(responses={200: None}, tags=["users"])
    def delete(self, request, identity_id):
        services.unlink(request.user, identity_id)
        return ApiResponse({}, message="Linked account removed")
