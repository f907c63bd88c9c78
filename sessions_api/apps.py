from django.apps import AppConfig


class SessionsApiConfig(AppConfig):
    name = "sessions_api"
    label = "authy_sessions"
    verbose_name = "Login sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sessions_api import schema, signals  # noqa: F401 - registers extensions

        signals.connect_receivers()
