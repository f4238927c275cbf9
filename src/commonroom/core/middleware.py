"""Headers every dynamic response carries, and the request context the audit
log records."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from commonroom.core.audit import request_ip
from commonroom.core.http import client_ip

Handler = Callable[[HttpRequest], HttpResponse]


def no_store_middleware(get_response: Handler) -> Handler:
    """No page, API answer or error is kept by a browser or proxy cache: a
    shared family computer must not show someone's group after they leave.
    Static files are served before this runs and stay cacheable."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = request_ip.set(client_ip(request))
        try:
            response = get_response(request)
        finally:
            request_ip.reset(token)
        patch_cache_control(response, no_store=True, private=True, max_age=0)
        response.headers.setdefault("Pragma", "no-cache")
        return response

    return middleware
