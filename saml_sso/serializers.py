"""Input and output shapes of the SAML endpoints."""

from rest_framework import serializers

from saml_sso.domains import txt_record_value
from saml_sso.sp import sp_urls


class SamlConfigInput(serializers.Serializer):
    idp_metadata_xml = serializers.CharField(required=False, trim_whitespace=True)
    idp_metadata_url = serializers.URLField(required=False, max_length=2048)
    domains = serializers.ListField(child=serializers.CharField(max_length=253))
    enforce = serializers.BooleanField(required=False, default=False)
    allow_idp_initiated = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        given = [
            key for key in ("idp_metadata_xml", "idp_metadata_url") if attrs.get(key)
        ]
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "idp_metadata_xml": [
                        "Give either idp_metadata_xml or idp_metadata_url."
                    ]
                }
            )
        return attrs


class SamlDomainSerializer(serializers.Serializer):
    domain = serializers.CharField()
    verified = serializers.BooleanField(source="is_verified")
    verified_at = serializers.DateTimeField(allow_null=True)
    verification_token = serializers.CharField()
    txt_record = serializers.SerializerMethodField()

    def get_txt_record(self, obj) -> str:
        return txt_record_value(obj.verification_token)


class SamlConfigSerializer(serializers.Serializer):
    organization_id = serializers.UUIDField()
    idp_entity_id = serializers.CharField()
    idp_metadata_xml = serializers.CharField()
    idp_metadata_url = serializers.CharField(allow_null=True)
    domains = SamlDomainSerializer(many=True, source="domains.all")
    enforce = serializers.BooleanField()
    allow_idp_initiated = serializers.BooleanField()
    sp_entity_id = serializers.SerializerMethodField()
    acs_url = serializers.SerializerMethodField()
    metadata_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def _urls(self, obj):
        return sp_urls(obj.organization.slug, self.context["base_url"])

    def get_sp_entity_id(self, obj) -> str:
        return self._urls(obj).entity_id

    def get_acs_url(self, obj) -> str:
        return self._urls(obj).acs_url

    def get_metadata_url(self, obj) -> str:
        return self._urls(obj).metadata_url

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["idp_metadata_url"] = data["idp_metadata_url"] or None
        return data


class DiscoverInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    redirect_uri = serializers.CharField(max_length=2048)


class DiscoverResult(serializers.Serializer):
    login_url = serializers.CharField(allow_null=True)
