"""URL-level error handlers: JSON envelopes under /api/, Django's pages elsewhere."""

import logging

from django.views import defaults

from authy.api.envelope import error_response, is_api_path

logger = logging.getLogger(__name__)


def not_found(request, exception=None):
    if is_api_path(request.path):
        return error_response(404, "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api_path(request.path):
        return error_response(500)
    return defaults.server_error(request)
