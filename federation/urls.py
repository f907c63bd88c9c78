"""Federated login URLs under /api/v1/auth/."""

from django.urls import path

from federation.views import ExchangeView

urlpatterns = [
    path("auth/exchange", ExchangeView.as_view(), name="auth-exchange"),
]
