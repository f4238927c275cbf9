"""Typed helpers that read settings from the environment and fail loudly.

Every value can also come from a file named by ``<NAME>_FILE`` (Docker and
systemd secrets), so secrets never have to sit in a process environment.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE points at {file_name!r}: {exc}") from exc
    value = os.environ.get(name)
    if value is None:
        return default
    return value


def envbool(name: str, default: bool) -> bool:
    raw = envstr(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be one of yes/no/true/false/1/0, not {raw!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = envstr(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = envstr(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
