"""Shapes of the federated-login endpoints: providers, linked accounts, link start."""

from rest_framework import serializers

from federation.models import FederatedIdentity


class ProviderSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["oauth2", "oidc"])
    login_url = serializers.URLField()


class ProvidersResult(serializers.Serializer):
    providers = ProviderSerializer(many=True)


class LinkedAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = FederatedIdentity
        fields = ["id", "provider", "email", "created_at", "last_used_at"]
        read_only_fields = fields


class LinkedAccountsResult(serializers.Serializer):
    linked_accounts = LinkedAccountSerializer(many=True)


class LinkStartInput(serializers.Serializer):
    redirect_uri = serializers.CharField(max_length=2048)


class LinkStartResult(serializers.Serializer):
    login_url = serializers.URLField()
    expires_at = serializers.DateTimeField()
