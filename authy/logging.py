"""Logging helpers: the request-id filter and the JSON line formatter."""

import json
import logging
from datetime import UTC, datetime

from authy.api.context import get_request_context


class RequestIdFilter(logging.Filter):
    """Attach the current request id (or "-") to every record."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = get_request_context().request_id or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
