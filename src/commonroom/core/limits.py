"""What no request may carry: a body over the size limits, or text with a NUL
character (or a lone surrogate) in it.

Django refuses an oversized body only when a view first reads it, as a
``RequestDataTooBig`` that the API turned into a 500 and pages into a vague
400; PostgreSQL refuses NUL in text with an error that surfaced as a 500 from
whichever view stored it. Both are refused here, before any view runs, with a
413 or 400 that names the problem: in the API's error shape under
``/api/``, as a page elsewhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]
SCOPE_FLAG = "commonroom.body_too_large"


class UnusableText(Exception):
    """A request field holds text no database column can store."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def body_limit_for(content_type: str) -> int:
    """The most bytes a request body may have. A multipart body carries a file,
    which ``RESOURCE_MAX_BYTES`` bounds, plus its form fields; any other body
    is read into memory whole and is bounded by ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    fields = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if content_type == "multipart/form-data":
        return int(settings.RESOURCE_MAX_BYTES) + fields
    return fields


def body_limit(request: HttpRequest) -> int:
    return body_limit_for(request.content_type or "")


def _over_limit(request: HttpRequest) -> bool:
    if _declared_length(request) > body_limit(request):
        return True
    # Set by BodyLimitApp for a body sent without a length (chunked).
    return bool(getattr(request, "scope", {}).get(SCOPE_FLAG))


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def is_unusable_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, from a JSON "\ud800"
        return True
    return False


def check_text(data: Any, path: str = "") -> None:
    """Raise ``UnusableText`` naming the first field (``items.2.title``) of a
    parsed JSON document whose key or text value cannot be stored."""
    if isinstance(data, str):
        if is_unusable_text(data):
            raise UnusableText(path or "body")
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if is_unusable_text(str(key)):
                raise UnusableText(path or "body")
            check_text(value, name)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_text(value, f"{path}.{index}" if path else str(index))


def _check_fields(pairs: Iterable[tuple[str, list[str]]]) -> None:
    for name, values in pairs:
        if is_unusable_text(name):
            raise UnusableText("body")
        for value in values:
            if is_unusable_text(value):
                raise UnusableText(name)


def too_large_response(request: HttpRequest) -> HttpResponse:
    limit_mb = max(body_limit(request) // (1024 * 1024), 1)
    message = _("The request is too large: send at most %(mb)d MB.") % {"mb": limit_mb}
    if request.path.startswith("/api/"):
        return _api_error(413, "too_large", message, "body")
    return render(request, "errors/413.html", {"message": message}, status=413)


def unusable_text_response(request: HttpRequest, field: str) -> HttpResponse:
    message = _("%(field)s contains a NUL or other character that is not text.") % {"field": field}
    if request.path.startswith("/api/"):
        return _api_error(400, "invalid_text", message, field)
    return render(request, "errors/400.html", {"message": message}, status=400)


def _api_error(status: int, code: str, message: str, field: str) -> JsonResponse:
    # The shape of commonroom.api.errors, which core does not import.
    return JsonResponse(
        {"error": {"code": code, "message": message, "field": field}}, status=status
    )


def request_limits_middleware(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        if _over_limit(request):
            return too_large_response(request)
        try:
            _check_fields(request.GET.lists())
            if request.method == "POST" and request.content_type in {
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            }:
                _check_fields(request.POST.lists())
        except RequestDataTooBig:
            return too_large_response(request)
        except UnusableText as exc:
            return unusable_text_response(request, exc.field)
        return get_response(request)

    return middleware


Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


class BodyLimitApp:
    """Keeps an oversized body out of the server's memory and disk.

    Django's ASGI handler reads the whole body into a temporary file before any
    middleware runs, and for a body sent in chunks (no Content-Length) it never
    applies DATA_UPLOAD_MAX_MEMORY_SIZE at all. This wrapper stops reading at
    the limit: a body that declares too large a length is not read at all, a
    chunked one is cut off there, and the scope is marked so that
    ``request_limits_middleware`` answers 413, in the person's language and
    the API's shape, as for any other oversized body.
    """

    def __init__(self, app: AsgiApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin1")
        limit = body_limit_for(content_type.split(";")[0].strip().lower())
        try:
            declared = int(headers.get(b"content-length", b"0"))
        except ValueError:
            declared = 0
        scope = dict(scope)
        if declared > limit:
            scope[SCOPE_FLAG] = True
        received = 0
        body_done = False  # the app has been given the end of the body

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done and scope.get(SCOPE_FLAG):
                # Drop the rest of an oversized body; pass on only what is not
                # body (the disconnect Django listens for after the 413).
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return message
            if scope.get(SCOPE_FLAG):  # declared too large: never read
                body_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    scope[SCOPE_FLAG] = True
                    body_done = True
                    return {"type": "http.request", "body": b"", "more_body": False}
                body_done = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)
