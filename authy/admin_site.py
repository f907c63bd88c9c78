"""The Gatehouse admin site: branding and a login rate limited like the API's."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.template.response import TemplateResponse
from django_ratelimit.core import get_usage

from authy.client_ip import ratelimit_ip_key

ADMIN_LOGIN_RATELIMIT_GROUP = "authy.admin.login"


def _client_ip_key(group, request):
    return ratelimit_ip_key(request)


class GatehouseAdminSite(admin.AdminSite):
    site_header = "Gatehouse administration"
    site_title = "Gatehouse admin"
    index_title = "Back office"

    @property
    def login_form(self):
        # Imported late: the form needs the user model, which is not loaded yet
        # when this site is instantiated.
        from accounts.admin import AdminLoginForm

        return AdminLoginForm

    def login(self, request, extra_context=None):
        """Limit submitted logins per client IP (429 over the limit); audit each."""
        usage = get_usage(
            request,
            group=ADMIN_LOGIN_RATELIMIT_GROUP,
            key=_client_ip_key,
            rate=settings.RATELIMIT_LOGIN,
            method="POST",
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            return self._rate_limited(request, usage)
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code in (200, 302):
            from accounts.admin import record_admin_login

            record_admin_login(request, succeeded=response.status_code == 302)
        return response

    def _rate_limited(self, request, usage):
        retry_after = max(1, usage["time_left"])
        context = {
            **self.each_context(request),
            "title": "Too many login attempts",
            "retry_after": retry_after,
        }
        response = TemplateResponse(
            request, "admin/login_rate_limited.html", context, status=429
        )
        response["Retry-After"] = str(retry_after)
        return response


class GatehouseAdminConfig(AdminConfig):
    default_site = "authy.admin_site.GatehouseAdminSite"
