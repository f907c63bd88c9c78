"""The browser redirect endpoints: start a provider sign-in and receive its callback.

Both answer 302 redirects, so they are left out of the OpenAPI schema; errors found
before the browser leaves Gatehouse (unknown provider, off-list `redirect_uri`, bad
link ticket) are ordinary JSON envelopes.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from authy.api.errors import ValidationFailed
from federation import flow
from federation.providers import get_provider
from federation.redirects import is_allowed_redirect
from federation.services import redeem_link_ticket

REDIRECT_NOT_ALLOWED = "This redirect URI is not on the allow-list."
NO_FLOW_MESSAGE = "No sign-in with this provider is in progress in this browser."


class BrowserView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class FederatedLoginView(BrowserView):
    @extend_schema(exclude=True)
    def get(self, request, provider):
        provider = get_provider(provider)
        redirect_uri = request.query_params.get("redirect_uri", "")
        if not is_allowed_redirect(redirect_uri):
            raise ValidationFailed.on_field("redirect_uri", REDIRECT_NOT_ALLOWED)
        link_user_id = None
        if "link_ticket" in request.query_params:
            link_user_id = redeem_link_ticket(
                request.query_params["link_ticket"], provider.id, redirect_uri
            )
        flow.remember(request, provider.id, redirect_uri, link_user_id)
        return flow.start(request._request, provider)


class FederatedCallbackView(BrowserView):
    @extend_schema(exclude=True)
    def get(self, request, provider):
        provider = get_provider(provider)
        started = flow.recall(request, provider.id)
        if started is None:
            raise ValidationFailed(
                NO_FLOW_MESSAGE, details={"non_field_errors": [NO_FLOW_MESSAGE]}
            )
        return flow.finish(request._request, provider, started)
