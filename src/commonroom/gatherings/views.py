"""Gathering pages: the list of what is coming up, a gathering with its next
dates and RSVP buttons, the staff's (and host's) form, and cancelling.
Every fetch goes through gatherings/access.py (404 when denied), every write
through gatherings/actions.py. Times are shown in the viewer's own zone (the
preferences middleware activates it); the form takes the program's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commonroom.care.models import Program
from commonroom.core.http import is_htmx, signed_in_user
from commonroom.core.validation import field_errors
from commonroom.gatherings import access, actions, feeds, occurrences, patterns, queries
from commonroom.gatherings.models import Audience, Gathering, GatheringKind, RsvpResponse
from commonroom.meetings import actions as meetings_actions
from commonroom.meetings import schedule
from commonroom.peers.alumni.access import alumni_program_ids
from commonroom.spaces.space_views import REFUSED_HEADER


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_GET
def gathering_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "gatherings/list.html",
        {
            "rows": queries.upcoming_for(user, now=timezone.now()),
            "can_create": access.programs_for_creating(user).exists(),
            "is_alumnus": bool(alumni_program_ids(user)),
        },
    )


# --- the form -------------------------------------------------------------------------


def _host_choices(program: Program) -> list[tuple[int, str]]:
    from commonroom.peers.alumni.queries import possible_hosts

    return [(u.pk, u.display_name) for u in possible_hosts(program)]


def _form_context(
    *,
    programs: list[Program],
    program: Program | None,
    sent: dict[str, Any],
    errors: dict[str, str] | None = None,
    gathering: Gathering | None = None,
    is_staff: bool = True,
) -> dict[str, Any]:
    hosts: list[tuple[int, str]] = []
    for each in programs:
        hosts.extend(_host_choices(each))
    return {
        "programs": programs,
        "program": program,
        "sent": sent,
        "errors": errors or {},
        "gathering": gathering,
        "is_staff": is_staff,
        "kinds": GatheringKind.choices,
        "audiences": Audience.choices,
        "hosts": sorted(set(hosts), key=lambda h: h[1]),
        "repeat_patterns": patterns.CHOICES,
    }


def _fields_of(request: HttpRequest) -> dict[str, object]:
    """The posted fields; a "Repeats" choice becomes its rule for the first
    date (a custom rule, or a post without the choice, keeps ``recurrence``)."""
    fields: dict[str, object] = {name: request.POST.get(name, "") for name in actions.FIELDS}
    if "repeat_pattern" not in request.POST:
        return fields
    pattern = request.POST["repeat_pattern"]
    if pattern not in patterns.PATTERNS:
        raise ValidationError({"recurrence": _("Choose one of the listed options.")})
    if pattern != patterns.CUSTOM:
        first = patterns.first_date(fields.get("starts_at"))
        fields["recurrence"] = "" if first is None else patterns.rule_for(pattern, first)
    return fields


def _sent_of(gathering: Gathering) -> dict[str, Any]:
    zone = schedule.zone_from_name(str(gathering.program.time_zone))
    sent: dict[str, Any] = {name: getattr(gathering, name) for name in actions.FIELDS}
    local = gathering.starts_at.astimezone(zone)
    sent["starts_at"] = local.strftime("%Y-%m-%dT%H:%M")
    sent["repeat_pattern"] = patterns.pattern_of(gathering.recurrence, local.date())
    sent["repeat_until"] = gathering.repeat_until.isoformat() if gathering.repeat_until else ""
    sent["capacity"] = gathering.capacity or ""
    sent["host_id"] = gathering.host_id or ""
    return sent


@login_required
@require_http_methods(["GET", "POST"])
def gathering_new(request: HttpRequest) -> HttpResponse:
    """Staff schedule a gathering for one of their programs."""
    user = signed_in_user(request)
    programs = list(access.programs_for_creating(user))
    if not programs:
        raise Http404
    if request.method == "GET":
        sent = {"duration_minutes": 60, "audience": Audience.ALUMNI, "kind": GatheringKind.REUNION}
        return render(
            request,
            "gatherings/form.html",
            _form_context(programs=programs, program=programs[0], sent=sent),
        )
    program = next((p for p in programs if str(p.pk) == request.POST.get("program_id")), None)
    try:
        if program is None:
            raise ValidationError({"program_id": _("Choose one of your programs.")})
        gathering = actions.do_create_gathering(
            program=program, created_by=user, fields=_fields_of(request)
        )
    except ValidationError as exc:
        context = _form_context(
            programs=programs,
            program=program,
            sent=dict(request.POST.items()),
            errors=field_errors(exc),
        )
        return render(request, "gatherings/form.html", context, status=422)
    messages.success(request, _("The gathering is scheduled."))
    return redirect("gathering", gathering_id=gathering.pk)


@login_required
@require_http_methods(["GET", "POST"])
def gathering_edit(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """Staff, and the gathering's host, change it."""
    user = signed_in_user(request)
    gathering = access.access_gathering(user, gathering_id, for_edit=True)
    is_staff = access.is_gathering_staff(user, gathering)
    programs = [gathering.program]
    if request.method == "GET":
        context = _form_context(
            programs=programs,
            program=gathering.program,
            sent=_sent_of(gathering),
            gathering=gathering,
            is_staff=is_staff,
        )
        return render(request, "gatherings/form.html", context)
    try:
        fields = _fields_of(request)
        if not is_staff:
            for name in actions.STAFF_ONLY_FIELDS:
                fields.pop(name, None)
        actions.do_update_gathering(gathering=gathering, updated_by=user, fields=fields)
    except ValidationError as exc:
        context = _form_context(
            programs=programs,
            program=gathering.program,
            sent=dict(request.POST.items()),
            errors=field_errors(exc),
            gathering=gathering,
            is_staff=is_staff,
        )
        return render(request, "gatherings/form.html", context, status=422)
    messages.success(request, _("Saved."))
    return redirect("gathering", gathering_id=gathering.pk)


# --- a gathering and RSVP ------------------------------------------------------------------


def _detail_context(
    request: HttpRequest, gathering: Gathering, *, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    user = signed_in_user(request)
    found = occurrences.upcoming(gathering, now=timezone.now())
    rows = queries.rows_for(user, found)
    return {
        "gathering": gathering,
        "rows": [
            {"row": row, "attendees": queries.attendees(gathering, row.occurrence.occurrence_date)}
            for row in rows
        ],
        "can_edit": access.can_edit(user, gathering),
        "is_staff": access.is_gathering_staff(user, gathering),
        "responses": RsvpResponse.choices,
        "errors": errors or {},
        "program_zone": gathering.program.time_zone,
    }


@login_required
@require_GET
def gathering_detail(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = access.access_gathering(signed_in_user(request), gathering_id)
    return render(request, "gatherings/detail.html", _detail_context(request, gathering))


@login_required
@require_POST
def gathering_rsvp(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """Going, maybe or not going for one date. HTMX gets the date's row back
    (with the error beside the buttons when refused)."""
    user = signed_in_user(request)
    gathering = access.access_gathering(user, gathering_id)
    try:
        actions.do_rsvp(
            gathering=gathering,
            user=user,
            occurrence_date=request.POST.get("occurrence_date", ""),
            response=request.POST.get("response", ""),
            base_url=_base_url(request),
        )
    except ValidationError as exc:
        errors = field_errors(exc)
        if is_htmx(request):
            response = _row_response(request, gathering, errors=errors)
            response[REFUSED_HEADER] = "1"
            return response
        context = _detail_context(request, gathering, errors=errors)
        return render(request, "gatherings/detail.html", context, status=422)
    if is_htmx(request):
        return _row_response(request, gathering)
    messages.success(request, _("Your answer is saved."))
    return redirect("gathering", gathering_id=gathering.pk)


def _row_response(
    request: HttpRequest, gathering: Gathering, *, errors: dict[str, str] | None = None
) -> HttpResponse:
    context = _detail_context(request, gathering, errors=errors)
    day = request.POST.get("occurrence_date", "")
    item = next(
        (i for i in context["rows"] if i["row"].occurrence.occurrence_date.isoformat() == day),
        None,
    )
    if item is None:
        return render(request, "gatherings/partials/_occurrences.html", context)
    return render(request, "gatherings/partials/_occurrence.html", context | {"item": item})


@login_required
@require_POST
def gathering_cancel(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """Staff cancel one date (``occurrence_date``) or the whole gathering."""
    user = signed_in_user(request)
    gathering = access.access_gathering(user, gathering_id, for_staff=True)
    day = request.POST.get("occurrence_date", "")
    try:
        if day:
            actions.do_cancel_occurrence(
                gathering=gathering, occurrence_date=day, cancelled_by=user
            )
            messages.success(request, _("That date is cancelled."))
        else:
            actions.do_cancel_gathering(gathering=gathering, cancelled_by=user)
            messages.success(request, _("The gathering is cancelled."))
    except ValidationError as exc:
        context = _detail_context(request, gathering, errors=field_errors(exc))
        return render(request, "gatherings/detail.html", context, status=422)
    return redirect("gathering", gathering_id=gathering.pk)


# --- the private calendar link ----------------------------------------------------------


@login_required
@require_POST
def create_feed(request: HttpRequest) -> HttpResponse:
    """A new private link (the same secret also opens the sessions feed)."""
    _feed, raw = meetings_actions.do_create_calendar_feed(user=signed_in_user(request))
    url = request.build_absolute_uri(reverse("gatherings_feed", kwargs={"secret": raw}))
    messages.success(
        request,
        _(
            "Your private calendar link for gatherings: %(url)s. Anyone with it sees the "
            "times of gatherings you answered; revoke it on the Sessions page if it leaks."
        )
        % {"url": url},
    )
    return redirect("gatherings")


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    feed = meetings_actions.find_calendar_feed(secret)
    if feed is None:
        raise Http404
    body = feeds.feed_for(feed=feed, base_url=_base_url(request), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="commonroom-gatherings.ics"'
    return response
