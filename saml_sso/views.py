"""SAML endpoints: per-organization configuration and the service-provider endpoints."""

from django.http import HttpResponse, HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from authy.api.errors import ValidationFailed
from authy.api.fields import reject_unknown_fields
from authy.api.responses import ApiResponse
from federation.redirects import is_allowed_redirect
from organizations.permissions import OrgAction, require
from saml_sso import login, logout, services
from saml_sso.domains import normalize_domains
from saml_sso.idp_metadata import fetch_metadata, parse_metadata
from saml_sso.serializers import (
    DiscoverInput,
    DiscoverResult,
    SamlConfigInput,
    SamlConfigSerializer,
    SamlDomainSerializer,
)
from saml_sso.sp import metadata_xml, public_base_url, xmlsec_binary

_CONFIG_FIELDS = [
    "idp_metadata_xml",
    "idp_metadata_url",
    "domains",
    "enforce",
    "allow_idp_initiated",
]
_REDIRECT_URI_INVALID = "This redirect_uri is not on the allow-list."
SamlConfigResult = inline_serializer(
    "SamlConfigResult", {"saml": SamlConfigSerializer()}
)
SamlDomainResult = inline_serializer(
    "SamlDomainResult", {"domain": SamlDomainSerializer()}
)


class SamlView(APIView):
    # Every SAML endpoint answers 503 while xmlsec1 is missing (checked per request).

    def initial(self, request, *args, **kwargs):
        xmlsec_binary()
        super().initial(request, *args, **kwargs)


def _allowed_redirect(value):
    if not is_allowed_redirect(value):
        raise ValidationFailed.on_field("redirect_uri", _REDIRECT_URI_INVALID)
    return value


class SamlConfigView(SamlView):
    """The organization's SAML configuration (owners and admins)."""

    def _respond(self, request, config, message):
        data = SamlConfigSerializer(
            config, context={"base_url": public_base_url(request)}
        ).data
        return ApiResponse({"saml": data}, message=message)

    @extend_schema(responses=SamlConfigResult, tags=["saml"])
    def get(self, request, organization_id):
        membership = require(organization_id, request.user, OrgAction.CONFIGURE_SSO)
        config = services.get_config(membership.organization)
        return self._respond(request, config, "SAML configuration")

    @extend_schema(request=SamlConfigInput, responses=SamlConfigResult, tags=["saml"])
    def put(self, request, organization_id):
        membership = require(organization_id, request.user, OrgAction.CONFIGURE_SSO)
        reject_unknown_fields(request.data, _CONFIG_FIELDS)
        payload = SamlConfigInput(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        domains = normalize_domains(values["domains"])
        url = values.get("idp_metadata_url")
        if url:
            metadata = parse_metadata(fetch_metadata(url), field="idp_metadata_url")
        else:
            metadata = parse_metadata(values["idp_metadata_xml"])
        config = services.save_config(
            membership.organization,
            request.user,
            metadata=metadata,
            metadata_url=url,
            domains=domains,
            options=values,
        )
        return self._respond(request, config, "SAML configuration saved")

    @extend_schema(responses=inline_serializer("Empty", {}), tags=["saml"])
    def delete(self, request, organization_id):
        membership = require(organization_id, request.user, OrgAction.CONFIGURE_SSO)
        services.delete_config(membership.organization, request.user)
        return ApiResponse({}, message="SAML configuration deleted")


class SamlDomainVerifyView(SamlView):
    """Verify a claimed domain by its TXT record `gatehouse-verification=<token>`."""

    @extend_schema(request=None, responses=SamlDomainResult, tags=["saml"])
    def post(self, request, organization_id, domain):
        membership = require(organization_id, request.user, OrgAction.CONFIGURE_SSO)
        claimed = services.verify_domain(membership.organization, domain, request.user)
        return ApiResponse(
            {"domain": SamlDomainSerializer(claimed).data}, message="Domain verified"
        )


class SamlDiscoverView(SamlView):
    """The SAML login URL for an email's verified domain, or null."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=DiscoverInput, responses=DiscoverResult, tags=["saml"])
    def post(self, request):
        reject_unknown_fields(request.data, ["email", "redirect_uri"])
        payload = DiscoverInput(data=request.data)
        payload.is_valid(raise_exception=True)
        redirect_uri = _allowed_redirect(payload.validated_data["redirect_uri"])
        login_url = login.discover(
            payload.validated_data["email"], redirect_uri, public_base_url(request)
        )
        return ApiResponse({"login_url": login_url}, message="Discovery complete")


class SamlMetadataView(SamlView):
    """Our service-provider metadata for the organization's IdP."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            (200, "application/samlmetadata+xml"): OpenApiResponse(
                OpenApiTypes.STR, description="SAML 2.0 SP metadata"
            )
        },
        tags=["saml"],
    )
    def get(self, request, slug):
        config = login.config_for_slug(slug)
        xml = metadata_xml(config.organization, public_base_url(request))
        return HttpResponse(xml, content_type="application/samlmetadata+xml")


def _redirect(location, status=302):
    response = HttpResponseRedirect(location)
    response.status_code = status
    return response


class SamlLoginView(SamlView):
    """Send the browser to the IdP with an AuthnRequest (redirect binding)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("redirect_uri", str, required=True)],
        responses={302: OpenApiResponse(description="Redirect to the IdP")},
        tags=["saml"],
    )
    def get(self, request, slug):
        redirect_uri = _allowed_redirect(request.query_params.get("redirect_uri", ""))
        config = login.config_for_slug(slug)
        location = login.start_login(config, public_base_url(request), redirect_uri)
        return _redirect(location)


class SamlAcsView(SamlView):
    """The assertion consumer service; the IdP's form post carries no CSRF token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser]

    @extend_schema(
        request={"application/x-www-form-urlencoded": OpenApiTypes.OBJECT},
        responses={303: OpenApiResponse(description="Redirect to the front end")},
        tags=["saml"],
    )
    def post(self, request, slug):
        config = login.config_for_slug(slug)
        location = login.complete_login(
            config,
            public_base_url(request),
            request.data.get("SAMLResponse", ""),
            request.data.get("RelayState", ""),
        )
        return _redirect(location, status=303)


class SamlSlsView(SamlView):
    """Single logout requested by the IdP (redirect or POST binding)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, JSONParser]

    def _handle(self, request, slug, values, binding):
        config = login.config_for_slug(slug)
        location = logout.handle_logout_request(
            config, public_base_url(request), values, binding
        )
        if location is None:
            return ApiResponse({}, message="Signed out")
        return _redirect(location)

    @extend_schema(
        responses={302: OpenApiResponse(description="LogoutResponse to the IdP")},
        tags=["saml"],
    )
    def get(self, request, slug):
        return self._handle(request, slug, request.query_params, logout.REDIRECT)

    @extend_schema(
        request={"application/x-www-form-urlencoded": OpenApiTypes.OBJECT},
        responses={302: OpenApiResponse(description="LogoutResponse to the IdP")},
        tags=["saml"],
    )
    def post(self, request, slug):
        return self._handle(request, slug, request.data, logout.POST)
