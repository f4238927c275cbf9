"""Small request helpers every app's views share."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from commonroom.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The person behind a request that ``login_required`` (or a policy check)
    has already admitted; typed as our User for the views."""
    assert isinstance(request.user, User)
    return request.user


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request, so a fragment answers instead of a page."""
    return bool(getattr(request, "htmx", False))


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person making the request, for throttling and the
    audit log. Behind ``COMMONROOM_PROXY_COUNT`` proxies, each appends to
    X-Forwarded-For the address it received from, so the client is the
    entry that many places from the right; anything further left was written
    by the client and can be forged. A header shorter than the count, or an
    entry that is not an address, means the request did not come through
    the proxies: the direct peer is used."""
    peer = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if not count:
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        return peer
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
