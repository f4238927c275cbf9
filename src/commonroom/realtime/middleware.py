"""Who is on the other end of a socket, from the session cookie.

Channels' ``AuthMiddlewareStack`` does this too, but it also wraps ``send`` so
that it can save a changed session with an HTTP response: every live frame
then first asks the lazy session whether it was modified. A socket never
writes its session (the idle clock, logout and password changes belong to
the pages), so here the session is read once and ``send`` is the server's
own: one event to a 2,000-member space is 2,000 frames, and the wrapper was
a quarter of each one's cost.

The person is resolved with Channels' ``get_user``, so the rules stay the
same: the session's auth hash must match (a password change ends it), and
an unknown or ended session is an anonymous visitor.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.auth import get_user
from django.conf import settings
from django.http.cookie import parse_cookie


class SessionAuthMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        cookies: dict[str, str] = {}
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                cookies = parse_cookie(value.decode("latin1"))
                break
        store = import_module(settings.SESSION_ENGINE).SessionStore
        scope = dict(
            scope, cookies=cookies, session=store(cookies.get(settings.SESSION_COOKIE_NAME))
        )
        scope["user"] = await get_user(scope)
        return await self.inner(scope, receive, send)
