"""Federated login URLs under /api/v1/: auth flows and the user's linked accounts."""

from django.urls import path, register_converter

from federation.browser_views import FederatedCallbackView, FederatedLoginView
from federation.linked_views import (
    LinkedAccountDetailView,
    LinkedAccountsView,
    LinkStartView,
)
from federation.providers import PROVIDER_IDS
from federation.views import ExchangeView, ProvidersView


class ProviderConverter:
    """Match only the provider ids Gatehouse knows, so other /auth/ paths stay free."""

    regex = "|".join(PROVIDER_IDS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ProviderConverter, "provider")

urlpatterns = [
    path("auth/exchange", ExchangeView.as_view(), name="auth-exchange"),
    path("auth/providers", ProvidersView.as_view(), name="auth-providers"),
    path(
        "auth/<provider:provider>/login",
        FederatedLoginView.as_view(),
        name="federation-login",
    ),
    # mozilla-django-oidc reverses its callback by a name without arguments.
    path(
        "auth/oidc/callback",
        FederatedCallbackView.as_view(),
        {"provider": "oidc"},
        name="federation-oidc-callback",
    ),
    path(
        "auth/<provider:provider>/callback",
        FederatedCallbackView.as_view(),
        name="federation-callback",
    ),
    path(
        "users/me/linked-accounts",
        LinkedAccountsView.as_view(),
        name="linked-accounts",
    ),
    path(
        "users/me/linked-accounts/<provider:provider>/start",
        LinkStartView.as_view(),
        name="linked-account-start",
    ),
    path(
        "users/me/linked-accounts/<uuid:identity_id>",
        LinkedAccountDetailView.as_view(),
        name="linked-account-detail",
    ),
]
