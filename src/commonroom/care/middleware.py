"""The group-agreement gate, answered once for every page: any view whose
access helper raises ``AgreementRequired`` sends the person to the agreement.
The API answers the same exception in api/errors.py; sockets never subscribe
(spaces/access.py ``can_read``)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from commonroom.care.access import AgreementRequired

Handler = Callable[[HttpRequest], HttpResponse]


class AgreementGateMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AgreementRequired):
            return None
        url = reverse("agreement", kwargs={"program_id": exception.program_id})
        # A page comes back here once accepted; a refused post is not replayed.
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.path}, safe='/')}"
        if getattr(request, "htmx", False):
            # A partial swap would put the agreement page inside the page.
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
