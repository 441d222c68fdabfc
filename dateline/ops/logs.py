"""Log lines as JSON, one object a line, for whatever collects a server's output (journald,
Docker, a log shipper): `time`, `level`, `logger`, then either `message` or the fields a
line was given (`extra={"fields": {...}}`), and `error` with the traceback when there is
one. Imports nothing of Django's: the logging configuration loads it before the apps."""

from __future__ import annotations

import datetime as dt
import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        # default=str: a field that is no JSON type (a path, a date) is written, not lost.
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str)
