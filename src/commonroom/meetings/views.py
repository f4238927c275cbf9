"""Pages of live group sessions."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care.views.common import errors_into_form
from commonroom.core import access as core_access
from commonroom.core.http import signed_in_user
from commonroom.meetings import access as meetings_access
from commonroom.meetings import actions, feeds, queries, rooms
from commonroom.meetings.forms import (
    CorrectionForm,
    ExceptionForm,
    GroupNoteForm,
    SeriesForm,
    TechCheckForm,
)
from commonroom.meetings.models import (
    Attendance,
    AttendanceSource,
    CoLeadOptIn,
    Session,
    SessionPlan,
    TechCheck,
    TechHelpRequest,
)
from commonroom.meetings.scheduling import do_add_exception, do_create_series, in_program_zone


@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming = list(
        meetings_access.sessions_visible_to(request.user)
        .filter(ends_at__gt=now, starts_at__lt=now + timedelta(days=28))
        .order_by("starts_at")[:60]
    )
    return render(
        request,
        "meetings/my_sessions.html",
        {
            "sessions": [(s, rooms.join_open(s, now)) for s in upcoming],
            "last_check": TechCheck.objects.filter(
                user_id=core_access.viewer_id(request.user)
            ).first(),
        },
    )


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id)
    staff = meetings_access.is_session_staff(request.user, session)
    now = timezone.now()
    plan = SessionPlan.objects.filter(session=session).select_related("prompt", "co_lead").first()
    is_co_lead = bool(plan and plan.co_lead_id == request.user.pk)
    on_roster = meetings_access.on_roster(request.user, session)
    context: dict[str, object] = {
        "session": session,
        "staff_view": staff,
        "join_open": rooms.join_open(session, now),
        "ended": session.ends_at <= now,
        "opens_at": session.starts_at - timedelta(minutes=queries.JOIN_EARLY_MINUTES),
        "plan": plan,
        # Participants see the prompt when the session starts; the co-lead a
        # day ahead, so they can prepare.
        "prompt_visible": bool(plan and plan.prompt and (staff or now >= session.starts_at)),
        "is_co_lead": is_co_lead and now >= session.starts_at - timedelta(days=1),
        "can_opt_in": on_roster and _is_active(request.user, session),
        "opted_in": CoLeadOptIn.objects.filter(
            group_id=session.series.group_id, user_id=core_access.viewer_id(request.user)
        ).exists(),
    }
    if staff:
        context.update(_staff_context(session))
    return render(request, "meetings/session.html", context)


def _is_active(user: User | AnonymousUser, session: Session) -> bool:
    from commonroom.care.models import Enrollment, Phase

    return Enrollment.objects.filter(
        user_id=core_access.viewer_id(user),
        program_id=session.series.group.program_id,
        phase=Phase.ACTIVE,
    ).exists()


def _staff_context(session: Session) -> dict[str, object]:
    roster = set(queries.roster_ids(session))
    records = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    people = User.objects.filter(pk__in=roster | set(records)).order_by("display_name")
    checks = {
        c.user_id: c
        for c in TechCheck.objects.filter(user__in=people).order_by("user_id", "-checked_at")
    }
    return {
        "attendance": [(p, records.get(p.pk), checks.get(p.pk)) for p in people],
        "help_requests": TechHelpRequest.objects.filter(
            session=session, resolved_at__isnull=True
        ).select_related("user"),
        "correction_form": CorrectionForm(),
        "note_form": GroupNoteForm(
            initial={"body": getattr(getattr(session, "group_note", None), "body", "")}
        ),
        "ended": session.ends_at <= timezone.now(),
    }


@login_required
@require_GET
def join(request: HttpRequest, session_id: int) -> HttpResponse:
    """The signed room link (rooms.py says why a link and not a form):
    records the person's arrival and sends the browser on to their room."""
    session = meetings_access.access_session(request.user, session_id)
    person = signed_in_user(request)
    staff = meetings_access.is_session_staff(request.user, session)
    if not rooms.room_token_valid(
        request.GET.get("t", ""), session=session, person=person, purpose="session"
    ):
        messages.error(request, _("That join link is not yours or is damaged. Join from here."))
        return redirect("session", session_id=session.pk)
    try:
        url = rooms.join_link(session=session, person=person, moderator=staff, now=timezone.now())
    except (rooms.JoinRefused, rooms.RoomUnavailable) as exc:
        messages.error(request, rooms.refusal_message(exc))
        return redirect("session", session_id=session.pk)
    actions.do_record_presence(
        session=session, user=person, kind="join", source=AttendanceSource.ROOM_LINK
    )
    return HttpResponseRedirect(url)


@login_required
@require_POST
def request_help(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id)
    actions.do_request_tech_help(user=signed_in_user(request), session=session)
    messages.success(
        request, _("Your facilitator has been told. Stay on this page; help is coming.")
    )
    return redirect("session", session_id=session.pk)


@login_required
@require_POST
def resolve_help(request: HttpRequest, session_id: int, request_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    help_request = TechHelpRequest.objects.filter(pk=request_id, session=session).first()
    if help_request is None:
        raise Http404
    actions.do_resolve_tech_help(request=help_request, resolved_by=signed_in_user(request))
    return redirect("session", session_id=session.pk)


@login_required
@require_POST
def finalise_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    excused = frozenset(int(v) for v in request.POST.getlist("excused") if v.isdigit())
    try:
        actions.do_finalise_attendance(
            session=session, finalised_by=signed_in_user(request), excused=excused
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Attendance is final."))
    return redirect("session", session_id=session.pk)


@login_required
@require_POST
def correct_attendance(request: HttpRequest, session_id: int, user_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    meetings_access.check_attendee(session, user_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_correct_attendance(
                session=session,
                user_id=user_id,
                status=form.cleaned_data["status"],
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
                corrected_by=signed_in_user(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attendance corrected."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("session", session_id=session.pk)


@login_required
@require_POST
def write_group_note(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    form = GroupNoteForm(request.POST)
    lines = {
        int(key.removeprefix("line-")): str(value)
        for key, value in request.POST.items()
        if key.startswith("line-") and key.removeprefix("line-").isdigit()
    }
    if form.is_valid():
        try:
            actions.do_write_group_note(
                session=session,
                body=form.cleaned_data["body"],
                lines=lines,
                written_by=signed_in_user(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Group note saved in each attendee's record."))
    else:
        messages.error(request, _("Write the group note first."))
    return redirect("session", session_id=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def tech_check(request: HttpRequest) -> HttpResponse:
    form = TechCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_record_tech_check(user=signed_in_user(request), **form.cleaned_data)
        messages.success(
            request, _("Thanks. Your facilitator will see that you checked your setup.")
        )
        return redirect("my_sessions")
    return render(
        request, "meetings/tech_check.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_schedule(request: HttpRequest, group_id: int) -> HttpResponse:
    group = meetings_access.access_group_schedule(request.user, group_id, for_write=True)
    form = SeriesForm(request.POST or None, prefix="series")
    exception_form = ExceptionForm(prefix="exception")
    if request.method == "POST" and form.is_valid():
        try:
            do_create_series(group=group, created_by=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Schedule added."))
            return redirect("group_schedule", group_id=group.pk)
    return render(
        request,
        "meetings/group_schedule.html",
        {
            "group": group,
            "form": form,
            "exception_form": exception_form,
            "series": group.series.prefetch_related("exceptions").order_by("pk"),
            "upcoming": Session.objects.filter(
                series__group=group, ends_at__gt=timezone.now()
            ).order_by("starts_at")[:20],
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def add_exception(request: HttpRequest, series_id: int) -> HttpResponse:
    series = meetings_access.access_series(request.user, series_id, for_write=True)
    form = ExceptionForm(request.POST, prefix="exception")
    if form.is_valid():
        data = dict(form.cleaned_data)
        new_start = data.pop("new_starts_at")
        if new_start is not None:
            new_start = in_program_zone(new_start, series)
        try:
            do_add_exception(
                series=series, created_by=signed_in_user(request), new_starts_at=new_start, **data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Schedule changed."))
    else:
        messages.error(request, _("Give the session's date and what changes."))
    return redirect("group_schedule", group_id=series.group_id)


@login_required
def weekly_minimums(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id)
    try:
        day = (
            date.fromisoformat(request.GET.get("week", ""))
            if request.GET.get("week")
            else timezone.localdate()
        )
    except ValueError:
        day = timezone.localdate()
    lines = queries.weekly_minimums(program=program, day=day, now=timezone.now())
    return render(
        request,
        "meetings/minimums.html",
        {
            "program": program,
            "lines": lines,
            "week_start": day - timedelta(days=day.weekday()),
            "previous": (day - timedelta(days=7)).isoformat(),
            "next": (day + timedelta(days=7)).isoformat(),
        },
    )


@login_required
@require_POST
def create_feed(request: HttpRequest) -> HttpResponse:
    _feed, raw = actions.do_create_calendar_feed(user=signed_in_user(request))
    url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"secret": raw}))
    messages.success(
        request,
        _(
            "Your private calendar link: %(url)s. Anyone with it sees your session times; "
            "revoke it if it leaks."
        )
        % {"url": url},
    )
    return redirect("my_sessions")


@login_required
@require_POST
def revoke_feeds(request: HttpRequest) -> HttpResponse:
    actions.do_revoke_calendar_feeds(user=signed_in_user(request))
    messages.success(request, _("Calendar links revoked. Old links stop working now."))
    return redirect("my_sessions")


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    feed = actions.find_calendar_feed(secret)
    if feed is None:
        raise Http404
    body = feeds.feed_for(feed=feed, base_url=request.build_absolute_uri("/"), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="commonroom.ics"'
    return response
