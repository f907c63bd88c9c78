"""Root URLs: the versioned API, the schema and docs, and the admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from authy.health import HealthView

handler404 = "authy.handlers.not_found"
handler500 = "authy.handlers.server_error"

api_v1 = [
    path("", include("sessions_api.urls")),
    path("", include("accounts.urls")),
    path("", include("organizations.urls")),
    path("", include("audit.urls")),
    path("", include("organizations.audit_urls")),
    path("", include("federation.urls")),
    path("", include("saml_sso.urls")),
]

urlpatterns = [
    path("api/health", HealthView.as_view(), name="health"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="swagger-ui",
    ),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
]
