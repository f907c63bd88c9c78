from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    label = "authy_organizations"
    verbose_name = "Organizations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from organizations import signals

        signals.connect_receivers()
