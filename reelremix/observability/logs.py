"""Log lines with the context of their work (LOG_FORMAT in settings): one JSON object a line by default, with
`request_id`, `tenant` and `job_id` on every line, so one job can be followed across the web and worker
processes (`grep '"job_id": 42'`, or jq). Fields passed with `extra=` join the object."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from reelremix.observability import context

CONTEXT_FIELDS = ("request_id", "tenant", "job_id")
# Attributes every LogRecord has: whatever else a record carries came from `extra=` and is logged as a field.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class ContextFilter(logging.Filter):
    """Stamps the request id, tenant and job id of the current work on each record (both formats use them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        now = context.current()
        record.request_id, record.tenant, record.job_id = now.request_id, now.tenant, now.job_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the context, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        line.update({name: getattr(record, name, None) for name in CONTEXT_FIELDS})
        line.update({k: v for k, v in vars(record).items() if k not in _RECORD_ATTRIBUTES and k not in line})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)
