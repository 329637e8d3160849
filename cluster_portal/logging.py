"""One line per log record, as ``key=value`` pairs, for Django and for gunicorn.

    2026-11-27T10:00:00+07:00 INFO gunicorn.access method=GET path=/ status=200 duration_ms=12
    2026-11-27T10:00:01+07:00 WARNING django.request method=GET path=/x status=404 msg="Not…"

Values with spaces, quotes or ``=`` are double-quoted with JSON escapes, so a traceback
stays on its record's line (``exc="Traceback…\\n…"``) and every line splits the same way.
This module must not import Django: gunicorn's master process loads it before any app.
"""

import json
import logging
import re
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

_BARE = re.compile(r"[^\s\"=\\]+")


def kv_value(value: object) -> str:
    """A value as it appears after ``key=``: bare when it is safe, quoted otherwise."""
    text = "" if value is None else str(value)
    if _BARE.fullmatch(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def kv_pairs(fields: Mapping[str, object]) -> str:
    return " ".join(f"{key}={kv_value(value)}" for key, value in fields.items())


class KeyValueFormatter(logging.Formatter):
    """``<ISO time with offset> <LEVEL> <logger> key=value …``.

    gunicorn's access records become method/path/status/duration fields; records that
    carry a Django request (``django.request``, ``django.security``) get its method and
    path; everything else is ``msg="…"``.
    """

    def __init__(self, *args, time_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="seconds")
        fields = self.fields(record)
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            fields["exc"] = record.exc_text
        if record.stack_info:
            fields["stack"] = self.formatStack(record.stack_info)
        return f"{moment} {record.levelname} {record.name} {kv_pairs(fields)}"

    def fields(self, record: logging.LogRecord) -> dict[str, object]:
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            return self.access_fields(record.args)
        fields: dict[str, object] = {}
        request = getattr(record, "request", None)
        if hasattr(request, "method") and hasattr(request, "path"):
            fields["method"] = request.method
            fields["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            fields["status"] = status
        fields["msg"] = record.getMessage()
        return fields

    @staticmethod
    def access_fields(atoms: Mapping[str, object]) -> dict[str, object]:
        # gunicorn passes its "atoms" as the record's args, with double quotes already
        # backslash-escaped for its own format string; kv_value does its own quoting.
        def atom(key: str) -> object:
            value = dict.get(atoms, key)  # type: ignore[arg-type]
            if value is None or value == "":
                return "-"
            return value.replace('\\"', '"') if isinstance(value, str) else value

        # Behind nginx every peer is 127.0.0.1; the real client is in X-Real-IP.
        client = atom("{x-real-ip}i")
        fields = {
            "method": atom("m"),
            "path": atom("U"),
            "query": atom("q"),
            "status": atom("s"),
            "duration_ms": atom("M"),
            "bytes": atom("B"),
            "client": atom("h") if client == "-" else client,
            "ua": atom("a"),
        }
        if fields["query"] == "-":
            del fields["query"]
        return fields


class QuietStaticFiles(logging.Filter):
    """runserver's request lines (``django.server``) without the successful ones for files
    under ``prefix``: a page brings a dozen stylesheets, scripts and fonts, and their lines
    would bury what `make run` prints on the console (the e-mails). Errors still show."""

    def __init__(self, prefix: str = "/static/"):
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and int(status) >= 400:
            return True
        line = record.args[0] if isinstance(record.args, tuple) and record.args else ""
        method, _, rest = str(line).partition(" ")
        return not (method in {"GET", "HEAD"} and rest.startswith(self.prefix))


def logging_config(
    *, level: str = "INFO", time_zone: str = "UTC", quiet_static: str | None = None
) -> dict:
    """A ``dictConfig`` that sends everything to standard output through the formatter
    above: Django's ``LOGGING`` and gunicorn's ``logconfig_dict`` are both this.
    ``quiet_static``: the static files' URL prefix, whose successful requests runserver
    does not log (development)."""
    quiet = {"filters": ["quiet_static"]} if quiet_static else {}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "kv": {"()": KeyValueFormatter, "time_zone": time_zone},
        },
        "filters": (
            {"quiet_static": {"()": QuietStaticFiles, "prefix": quiet_static}}
            if quiet_static
            else {}
        ),
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "kv",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Their records go to the root's handler once, not also to their own.
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": [], "propagate": True},
            # Django's defaults give these their own handlers (console in DEBUG, runserver's
            # request lines): one line per record through the formatter above instead.
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": [], "propagate": True, **quiet},
            # The PDF libraries log each step of every document at INFO ("Step 5 - Creating
            # layout"): the commands print only their own messages, the log only what matters.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
