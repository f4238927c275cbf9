"""Pages every person sees: home, help, language, and the health probes."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_GET, require_POST

from commonroom.accounts.actions import do_set_language
from commonroom.accounts.models import User
from commonroom.core import crisis, queries


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Imported here: meetings builds on core, and home is the one page that
    # gathers every app's "what's next" for the person.
    from commonroom.meetings.queries import next_session_for

    assert isinstance(request.user, User)
    return render(
        request,
        "core/home.html",
        {
            "home": queries.home_for(request.user),
            "next": next_session_for(request.user, now=timezone.now()),
        },
    )


def help_now(request: HttpRequest) -> HttpResponse:
    return render(request, "core/help.html", {"sections": crisis.resources_for(request.user)})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES) or not check_for_language(language):
        return response
    if request.user.is_authenticated:
        do_set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer_answers() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("readyz.")
    await layer.send(channel, {"type": "readyz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "readyz.ping":
        raise RuntimeError("channel layer returned another message")


async def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        await sync_to_async(_database_answers)()
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    try:
        await _channel_layer_answers()
        checks["channel_layer"] = "ok"
    except Exception:
        checks["channel_layer"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
