"""Profile pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commonroom.accounts.access import access_person
from commonroom.accounts.actions import do_update_profile
from commonroom.accounts.forms import ProfileForm
from commonroom.accounts.middleware import idle_limit_seconds, idle_remaining_seconds
from commonroom.accounts.models import User


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    # Edit a copy so a rejected form never half-changes the signed-in user.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            do_update_profile(user=user, changed_by=user, changes=changes)
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(
        request, "accounts/profile.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    view = access_person(request.user, person_id)
    return render(request, "accounts/person.html", {"person": view})


@require_http_methods(["GET", "POST"])
def idle_status(request: HttpRequest) -> HttpResponse:
    """How long until idle sign-out, for the warning every page shows a
    little before it (static/commonroom/idle.js). Its GET is sent passively
    so asking does not count as activity; the POST is "Stay signed in",
    which the idle middleware counts like any other request."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": {"code": "unauthenticated", "message": _("Sign in again."), "field": None}},
            status=401,
        )
    return JsonResponse(
        {"remaining": idle_remaining_seconds(request), "limit": idle_limit_seconds(request)}
    )
