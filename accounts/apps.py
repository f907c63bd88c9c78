from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "authy_accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import signals

        signals.connect_receivers()
