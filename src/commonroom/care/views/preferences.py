"""A person's own intake preferences, and the accounting of who saw a record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care.actions import do_update_preferences
from commonroom.care.forms import PreferencesForm, format_availability
from commonroom.care.models import IntakePreferences
from commonroom.care.views.common import errors_into_form
from commonroom.core.models import AuditEntry


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    current = IntakePreferences.objects.filter(user=user).first() or IntakePreferences(user=user)
    initial = {
        "languages": current.languages,
        "affinity_interests": current.affinity_interests,
        "use_affinities_for_matching": current.use_affinities_for_matching,
        "mentor_gender_preference": current.mentor_gender_preference,
        "camera_comfort": current.camera_comfort,
        "availability": format_availability(current.availability),
    }
    form = PreferencesForm(request.POST or None, initial=initial, user_id=user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_preferences(user=user, changes=form.cleaned_data)
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Your preferences are saved."))
            return redirect("preferences")
    return render(
        request, "care/preferences.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def person_audit(request: HttpRequest, person_id: int) -> HttpResponse:
    if not care_access.can_review_audit_of(request.user, person_id):
        raise Http404
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    entries = list(AuditEntry.objects.filter(subject_id=person_id).order_by("-seq")[:500])
    actors = {
        u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in entries if e.actor_id})
    }
    return render(
        request,
        "care/person_audit.html",
        {"person": person, "entries": [(e, actors.get(e.actor_id or 0)) for e in entries]},
    )
