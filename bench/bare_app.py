"""The benchmark's ceiling: one bare Django JSON view, served like Gatehouse.

Run as `gunicorn -c gunicorn.conf.py bench.bare_app` (from the project root). It is no
part of the product: Django with no apps, no middleware and no database, so its
throughput is what this machine, this gunicorn configuration and Django's request
cycle allow before any Gatehouse code runs. Results are reported as ratios to it.
"""

import os
import secrets

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS=os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(","),
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def bare_view(request):
    return JsonResponse({"success": True, "code": 200, "data": {"status": "ok"}})


urlpatterns = [path("bare", bare_view)]

application = get_wsgi_application()
