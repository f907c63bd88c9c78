"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authy.settings")
django_application = get_wsgi_application()

# Imported after Django is set up: it reads models and settings.
from sessions_api.me_fast_path import MeFastPath  # noqa: E402

# The common `GET /auth/me` is answered before Django's request cycle; every other
# request, and every /auth/me it does not answer, goes to Django unchanged.
application = MeFastPath(django_application)
