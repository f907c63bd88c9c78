from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "federation"
    label = "authy_federation"
    verbose_name = "Federated login"
    default_auto_field = "django.db.models.BigAutoField"
