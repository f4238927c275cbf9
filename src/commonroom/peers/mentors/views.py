"""Mentor pages: applying and training, the staff roster and matching, "My
mentees", "My mentor" and the mentorship page with its two-click concern."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from commonroom.care.views.common import errors_into_form
from commonroom.core import access as core_access
from commonroom.core.http import signed_in_user
from commonroom.peers.mentors import access, actions, queries
from commonroom.peers.mentors import pool as mentor_pool
from commonroom.peers.mentors.forms import ApplyForm, ConcernForm, MentorDetailsForm, RequestForm
from commonroom.peers.mentors.models import (
    MentorProgramSettings,
    MentorRequest,
    MentorState,
    RequestStatus,
    TrainingTopic,
)


def _say_refusal(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- the mentor's own pages ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_home(request: HttpRequest) -> HttpResponse:
    """Apply, follow training, sign the agreement, and see my mentees."""
    user = signed_in_user(request)
    profiles = list(access.my_profiles(user))
    taken = {p.program_id for p in profiles if p.state != MentorState.RETIRED}
    programs = access.eligible_programs(user).exclude(pk__in=taken)
    form = ApplyForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_apply_to_mentor(
                user=user,
                program=form.cleaned_data["program"],
                motivation=form.cleaned_data["motivation"],
                details=form.details(),
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Thank you for applying. Staff will be in touch."))
            return redirect("mentor_home")
    return render(
        request,
        "mentors/home.html",
        {
            "profiles": profiles,
            "form": form if programs.exists() else None,
            "mentorships": queries.my_mentorships_as_mentor(user),
        },
        status=422 if form.errors else 200,
    )


def _profile_context(request: HttpRequest, profile_id: int) -> dict[str, object]:
    user = signed_in_user(request)
    profile = access.access_profile(user, profile_id)
    own = profile.user_id == user.pk
    staff = profile.program_id in core_access.administered_program_ids(user) and not own
    agreement = mentor_pool.current_agreement(profile.program_id)
    items = {item.topic: item for item in profile.training.all()}
    return {
        "profile": profile,
        "own": own,
        "staff": staff,
        "agreement": agreement,
        "signed_current": agreement is not None and profile.agreement_id == agreement.pk,
        "training": [(topic, label, items.get(topic)) for topic, label in TrainingTopic.choices],
        "missing": actions.missing_for_activation(profile),
        "history": profile.history.select_related("changed_by"),
        "details_form": MentorDetailsForm(
            initial={name: getattr(profile, name) for name in MentorDetailsForm.base_fields}
        )
        if own and profile.state != MentorState.RETIRED
        else None,
        "today": timezone.localdate().isoformat(),
        "states": MentorState,
    }


@login_required
def mentor_profile(request: HttpRequest, profile_id: int) -> HttpResponse:
    return render(request, "mentors/profile.html", _profile_context(request, profile_id))


@login_required
@require_POST
def mentor_details(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = access.access_profile(user, profile_id)
    if profile.user_id != user.pk:
        raise Http404
    form = MentorDetailsForm(request.POST)
    if form.is_valid():
        try:
            actions.do_update_mentor_profile(
                profile=profile, changed_by=user, changes=form.details()
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("mentor_profile", profile_id=profile.pk)
    context = _profile_context(request, profile_id)
    context["details_form"] = form
    return render(request, "mentors/profile.html", context, status=422)


@login_required
@require_POST
def record_training(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = access.access_profile(user, profile_id)
    try:
        completed_on = dt.date.fromisoformat(request.POST.get("completed_on", ""))
    except ValueError:
        messages.error(request, _("Enter the date you completed it."))
        return redirect("mentor_profile", profile_id=profile.pk)
    try:
        actions.do_record_training(
            profile=profile,
            topic=request.POST.get("topic", ""),
            completed_on=completed_on,
            recorded_by=user,
        )
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("Training date saved."))
    return redirect("mentor_profile", profile_id=profile.pk)


@login_required
@require_POST
def confirm_training(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = access.access_profile(user, profile_id, as_staff=True)
    try:
        actions.do_confirm_training(
            profile=profile, topic=request.POST.get("topic", ""), confirmed_by=user
        )
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("Training confirmed."))
    return redirect("mentor_profile", profile_id=profile.pk)


@login_required
@require_POST
def sign_boundaries(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    profile = access.access_profile(user, profile_id)
    try:
        version = int(request.POST.get("version", "0"))
        actions.do_sign_boundaries(profile=profile, user=user, version=version)
    except ValueError:
        messages.error(request, _("Sign the version shown on the page."))
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("Agreement signed."))
    return redirect("mentor_profile", profile_id=profile.pk)


@login_required
@require_POST
def change_state(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = signed_in_user(request)
    to = request.POST.get("to", "")
    if to not in actions.TRANSITION_ACTIONS:
        messages.error(request, _("Choose a state."))
        profile = access.access_profile(user, profile_id)
        return redirect("mentor_profile", profile_id=profile.pk)
    profile = access.access_profile_for_transition(user, profile_id, to)
    try:
        actions.TRANSITION_ACTIONS[MentorState(to)](profile=profile, by=user)
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("Mentor is now %(state)s.") % {"state": MentorState(to).label})
    return redirect("mentor_profile", profile_id=profile.pk)


# --- staff: roster and matching ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, program_id: int) -> HttpResponse:
    user = signed_in_user(request)
    program = access.access_program_as_mentor_staff(user, program_id)
    if request.method == "POST":
        actions.do_set_mentor_settings(
            program=program,
            step_down_may_apply=request.POST.get("step_down_may_apply") == "1",
            changed_by=user,
        )
        messages.success(request, _("Mentor settings saved."))
        return redirect("mentor_roster", program_id=program.pk)
    settings = MentorProgramSettings.objects.filter(program=program).first()
    return render(
        request,
        "mentors/roster.html",
        {
            "program": program,
            "lines": queries.roster(program),
            "requests": queries.open_requests(program),
            "step_down_may_apply": bool(settings and settings.step_down_may_apply),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def matching(request: HttpRequest, program_id: int) -> HttpResponse:
    """GET: a preview with the reason for each match. POST: confirm the
    ticked matches of that preview (refused if anything changed)."""
    user = signed_in_user(request)
    program = access.access_program_as_mentor_staff(user, program_id)
    if request.method == "POST":
        pairs = set()
        for raw in request.POST.getlist("pair"):
            mentor_id, _sep, mentee_id = raw.partition(":")
            if mentor_id.isdigit() and mentee_id.isdigit():
                pairs.add((int(mentor_id), int(mentee_id)))
        try:
            created = actions.do_confirm_matching(
                program=program,
                fingerprint=request.POST.get("fingerprint", ""),
                by=user,
                only=pairs,
            )
        except ValidationError as exc:
            _say_refusal(request, exc)
            return redirect("mentor_matching", program_id=program.pk)
        started = ngettext(
            "%(count)d mentorship started.", "%(count)d mentorships started.", len(created)
        )
        messages.success(request, started % {"count": len(created)})
        return redirect("mentor_roster", program_id=program.pk)
    preview = queries.preview(program)
    return render(request, "mentors/matching.html", {"program": program, "preview": preview})


# --- mentee: my mentor -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_mentor(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    programs = access.cohort_programs(user)
    form = RequestForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_request_mentor(
                mentee=user,
                program=form.cleaned_data["program"],
                lived_experience_wanted=form.cleaned_data["lived_experience_wanted"],
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Thank you. Staff will match you with a mentor."))
            return redirect("my_mentor")
    mentorships = queries.my_mentorship_as_mentee(user)
    open_requests = MentorRequest.objects.filter(mentee=user, status=RequestStatus.OPEN)
    return render(
        request,
        "mentors/my_mentor.html",
        {
            "mentorships": mentorships,
            "open_requests": open_requests,
            "form": form if programs.exists() and not mentorships and not open_requests else None,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def withdraw_request(request: HttpRequest, request_id: int) -> HttpResponse:
    user = signed_in_user(request)
    mentor_request = access.access_request(user, request_id)
    try:
        actions.do_withdraw_request(request=mentor_request, by=user)
    except ValidationError as exc:
        _say_refusal(request, exc)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("my_mentor")


# --- the mentorship --------------------------------------------------------------------------


@login_required
def mentorship(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    user = signed_in_user(request)
    item = access.access_mentorship(user, mentorship_id)
    is_mentor = item.mentor_id == user.pk
    is_mentee = item.mentee_id == user.pk
    staff = access.is_mentorship_staff(user, item)
    return render(
        request,
        "mentors/mentorship.html",
        {
            "mentorship": item,
            "is_mentor": is_mentor,
            "is_mentee": is_mentee,
            "staff": staff,
            # The mentor never sees why they were matched: it rests on what
            # the mentee told staff, not on what they shared.
            "reasons": queries.explanation_lines(item.explanation) if not is_mentor else [],
            "concern_form": ConcernForm() if is_mentor and item.ended_at is None else None,
        },
    )


@login_required
@require_POST
def end_mentorship(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    user = signed_in_user(request)
    item = access.access_mentorship(user, mentorship_id)
    actions.do_end_mentorship(mentorship=item, by=user)
    messages.success(request, _("The mentorship has ended."))
    if item.mentee_id == user.pk:
        return redirect("my_mentor")
    if item.mentor_id == user.pk:
        return redirect("mentor_home")
    return redirect("mentorship", mentorship_id=item.pk)


@login_required
@require_POST
def raise_concern(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    user = signed_in_user(request)
    item = access.access_mentorship_as_mentor(user, mentorship_id)
    form = ConcernForm(request.POST)
    if form.is_valid():
        try:
            actions.do_raise_concern(
                mentorship=item,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                by=user,
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(
                request, _("Your concern was sent to the staff. Thank you for raising it.")
            )
            return redirect("mentorship", mentorship_id=item.pk)
    return render(
        request,
        "mentors/mentorship.html",
        {
            "mentorship": item,
            "is_mentor": True,
            "is_mentee": False,
            "staff": False,
            "reasons": [],
            "concern_form": form,
            "concern_open": True,
        },
        status=422,
    )
