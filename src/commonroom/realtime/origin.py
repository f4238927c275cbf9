"""Only this site's own pages may open a socket with a person's cookies.

Channels' ``AllowedHostsOriginValidator`` compares the Origin's host name
with ALLOWED_HOSTS and ignores scheme and port, so a page served from
``http://host:8001`` (another service on the same machine) or plain http
passed for ``https://host``. Here the Origin must be the site itself, the
same test Django's CSRF check makes of a form post: scheme, host and port
equal to the request's own (or to one of CSRF_TRUSTED_ORIGINS, exactly).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(value: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` with the default port filled in; None for
    anything that is not an http(s) origin."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin1")
    return None


def _own_scheme(scope: dict[str, Any]) -> str:
    if scope.get("scheme") in ("wss", "https"):
        return "https"
    # Behind a TLS-terminating proxy, trusted exactly as Django trusts it.
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, secure_value = proxy
        name = header.removeprefix("HTTP_").replace("_", "-").lower().encode()
        forwarded = _header(scope, name)
        if forwarded is not None and forwarded.split(",")[0].strip() == secure_value:
            return "https"
    return "http"


def same_origin(scope: dict[str, Any]) -> bool:
    origin_header, host = _header(scope, b"origin"), _header(scope, b"host")
    if origin_header is None or host is None:
        return False
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    origin = _origin(origin_header)
    if origin is None:
        return False
    if origin == _origin(f"{_own_scheme(scope)}://{host}"):
        return True
    return origin in {_origin(trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS}


class SameOriginValidator:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") == "websocket" and not same_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.inner(scope, receive, send)
