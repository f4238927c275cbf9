"""Log lines without secrets.

A URL can carry a secret or something a person typed: a private calendar
link (``/calendar/<secret>.ics``), an invitation (``/invite/<token>/``), an
email confirmation or password-reset key, a search term (``?q=``). The
server's access log, its websocket lines and Django's request warnings all
write the path, so one filter redacts those parts wherever a log record
carries a path: query values always, and the secret segment of the routes
below. Logs keep the route, method and status for operations.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

REDACTED = "[redacted]"

# The routes whose path holds a secret, as (pattern, replacement).
_SECRET_PATHS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(/calendar/)[^/?#]+(\.ics)"), rf"\g<1>{REDACTED}\g<2>"),
    (re.compile(r"(/invite/)[^/?#]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(/confirm-email/)[^/?#]+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(/password/reset/key/)(?!done/)[^/?#]+"), rf"\g<1>{REDACTED}"),
)


def redact_path(path: str) -> str:
    """``/search/?q=relapse`` -> ``/search/?q=[redacted]``; secret segments of
    the routes above are replaced; parameter names are kept."""
    path, sep, query = path.partition("?")
    for pattern, replacement in _SECRET_PATHS:
        path = pattern.sub(replacement, path)
    if not sep:
        return path
    names = [part.partition("=")[0] for part in query.split("&") if part]
    return path + "?" + "&".join(f"{name}={REDACTED}" for name in names)


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("/"):
        return redact_path(value)
    return value


class RedactSecrets(logging.Filter):
    """Redacts every argument of a record that is a path (uvicorn's access and
    websocket lines, Django's "Not Found: /path"), and a message that is one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_arg(arg) for key, arg in record.args.items()}
        if isinstance(record.msg, str) and "/" in record.msg and not record.args:
            record.msg = " ".join(_redact_arg(word) for word in record.msg.split(" "))
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the filter on both handlers,
    so ``serve`` (and ``demo``, which runs it) never write a secret."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": f"{__name__}.RedactSecrets"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_secrets")
    return config
