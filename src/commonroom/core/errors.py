"""Error pages: plain, translated, and never cached (see no_store_middleware)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commonroom.core.limits import too_large_response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A body without a Content-Length passes request_limits_middleware and is
    # refused only when a view reads it.
    if isinstance(exception, RequestDataTooBig):
        return too_large_response(request)
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be in what a context processor reads.
    return render(request, "errors/500.html", status=500, using=None)
