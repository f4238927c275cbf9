"""The person's notification choices: the daily digest, off by default."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.spaces.digest import do_set_digest
from commonroom.spaces.models import DigestSubscription


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    if request.method == "POST":
        enabled = request.POST.get("digest") == "on"
        do_set_digest(user=request.user, enabled=enabled)
        messages.success(
            request,
            _("The daily digest is on.") if enabled else _("The daily digest is off."),
        )
        return redirect("notifications")
    enabled = DigestSubscription.objects.filter(user=request.user, enabled=True).exists()
    return render(request, "spaces/notifications.html", {"digest_enabled": enabled})
