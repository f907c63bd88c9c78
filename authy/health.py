"""The health endpoint: is the database reachable, is the cache answering."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from authy.api.errors import ServiceUnavailable
from authy.api.responses import ApiResponse

logger = logging.getLogger(__name__)

SERVICE_NAME = "gatehouse"
_PROBE_KEY = "authy/health/probe"


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" here
        logger.warning("Health check: database unreachable")
        return False


def cache_ok():
    # Load balancers probe every few seconds; the Redis backend logs an outage once
    # per interval itself, so a failed probe adds no line of its own.
    try:
        cache.set(_PROBE_KEY, "1", timeout=5)
        return cache.get(_PROBE_KEY) == "1"
    except Exception:  # noqa: BLE001 - any failure means "not reachable" here
        return False


_CHECK_STATES = ["ok", "unavailable"]

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["healthy", "degraded"]),
        "service": serializers.CharField(),
        "version": serializers.CharField(),
        "checks": inline_serializer(
            "HealthChecks",
            {
                "database": serializers.ChoiceField(choices=_CHECK_STATES),
                "cache": serializers.ChoiceField(choices=_CHECK_STATES),
            },
        ),
    },
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=HealthSerializer, tags=["health"])
    def get(self, request):
        checks = {
            "database": "ok" if database_ok() else "unavailable",
            "cache": "ok" if cache_ok() else "unavailable",
        }
        if checks["database"] != "ok":
            raise ServiceUnavailable(
                "The database is unreachable.",
                details={"status": "unhealthy", "checks": checks},
            )
        status = "healthy" if checks["cache"] == "ok" else "degraded"
        data = {
            "status": status,
            "service": SERVICE_NAME,
            "version": settings.GATEHOUSE_VERSION,
            "checks": checks,
        }
        return ApiResponse(data, message=f"Service is {status}")
