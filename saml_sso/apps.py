"""App configuration for SAML single sign-on."""

from django.apps import AppConfig


class SamlSsoConfig(AppConfig):
    name = "saml_sso"
    label = "authy_saml"
    verbose_name = "SAML single sign-on"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from saml_sso.signals import connect_receivers

        connect_receivers()
