"""SAML URLs under /api/v1/: organization configuration and per-slug SP endpoints."""

from django.urls import path

from saml_sso import views

urlpatterns = [
    path(
        "organizations/<str:organization_id>/saml",
        views.SamlConfigView.as_view(),
        name="org-saml",
    ),
    path(
        "organizations/<str:organization_id>/saml/domains/<str:domain>/verify",
        views.SamlDomainVerifyView.as_view(),
        name="org-saml-domain-verify",
    ),
    path("auth/saml/discover", views.SamlDiscoverView.as_view(), name="saml-discover"),
    path(
        "auth/saml/<str:slug>/metadata",
        views.SamlMetadataView.as_view(),
        name="saml-metadata",
    ),
    path(
        "auth/saml/<str:slug>/login", views.SamlLoginView.as_view(), name="saml-login"
    ),
    path("auth/saml/<str:slug>/acs", views.SamlAcsView.as_view(), name="saml-acs"),
    path("auth/saml/<str:slug>/sls", views.SamlSlsView.as_view(), name="saml-sls"),
]
