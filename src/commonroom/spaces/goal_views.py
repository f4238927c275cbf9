"""Goal and milestone pages: my goals with this week's counts (mine alone),
progress check-ins, the staff's list of their group's goals, and my
milestones with the recovery counter and celebration offers. Writes go
through spaces/goals.py and spaces/milestones.py.

An HTMX post gets its card back (fresh, or with the error beside the field,
marked with the refused header as on the thread page, since HTMX does not
swap an error status); a plain post redirects, or answers 422 with the page.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.core.http import is_htmx, signed_in_user
from commonroom.core.validation import field_errors
from commonroom.spaces import checkins, goals, milestones
from commonroom.spaces.goals import WHAT_MAX_CHARS
from commonroom.spaces.milestones import CELEBRATION_MAX_CHARS
from commonroom.spaces.models import Goal, GoalCadence, GoalStatus, Milestone, RecoveryCounter
from commonroom.spaces.space_views import REFUSED_HEADER, client_id_of

STAFF_ROWS_SHOWN = 300
CLOSED_GOALS_SHOWN = 50


# --- goals -------------------------------------------------------------------------


def _card(
    user: User,
    goal: Goal,
    *,
    errors: dict[str, str] | None = None,
    body: str = "",
    client_id: object = None,
    saved: bool = False,
) -> dict[str, Any]:
    this_week, last_week = goals.week_counts(goal, user)
    return {
        "goal": goal,
        "this_week": this_week,
        "last_week": last_week,
        "errors": errors or {},
        "body": body,
        "client_id": client_id or uuid.uuid4(),
        "saved": saved,
    }


def _goals_page(
    request: HttpRequest,
    *,
    errors: dict[str, str] | None = None,
    cards: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    user = signed_in_user(request)
    keep = errors is not None
    sent = request.POST if keep else {}
    mine = list(goals.my_goals(user))
    cards = cards or {}
    active = [cards.get(g.pk) or _card(user, g) for g in mine if g.status == GoalStatus.ACTIVE]
    program = checkins.checkin_program(user)
    return {
        "cards": active,
        "closed": [g for g in mine if g.status != GoalStatus.ACTIVE][:CLOSED_GOALS_SHOWN],
        "can_set": program is not None and checkins.home_group(user, program) is not None,
        "errors": errors or {},
        "sent": sent,
        "cadence": sent.get("cadence") or GoalCadence.WEEKLY,
        "cadences": GoalCadence.choices,
        "client_id": (sent.get("client_id") if keep else None) or uuid.uuid4(),
        "what_max": WHAT_MAX_CHARS,
        "today": checkins.local_today(user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def my_goals(request: HttpRequest) -> HttpResponse:
    """GET: my goals and the form. POST: set a goal."""
    if request.method == "GET":
        return render(request, "spaces/goals.html", _goals_page(request))
    try:
        goals.do_set_goal(
            user=signed_in_user(request),
            what=request.POST.get("what", ""),
            by_when=request.POST.get("by_when", ""),
            cadence=request.POST.get("cadence", ""),
            times_per_week=request.POST.get("times_per_week", ""),
            client_id=client_id_of(request.POST.get("client_id")),
        )
    except ValidationError as exc:
        return render(
            request, "spaces/goals.html", _goals_page(request, errors=field_errors(exc)), status=422
        )
    messages.success(request, _("Your goal is set. Your group can cheer you on in its thread."))
    return redirect("goals")


@login_required
@require_POST
def goal_progress(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = signed_in_user(request)
    goal = goals.access_goal(user, goal_id)
    body = request.POST.get("body", "")
    try:
        goals.do_post_progress(
            goal=goal, user=user, body=body, client_id=client_id_of(request.POST.get("client_id"))
        )
    except ValidationError as exc:
        errors = field_errors(exc)
        card = _card(user, goal, errors=errors, body=body, client_id=request.POST.get("client_id"))
        if is_htmx(request):
            response = render(request, "spaces/goals_card.html", card)
            response[REFUSED_HEADER] = "1"
            return response
        context = _goals_page(request, cards={goal.pk: card}) | {"errors": {}, "sent": {}}
        return render(request, "spaces/goals.html", context, status=422)
    if is_htmx(request):
        return render(request, "spaces/goals_card.html", _card(user, goal, saved=True))
    messages.success(request, _("Progress posted in your goal's thread."))
    return redirect("goals")


@login_required
@require_POST
def goal_close(request: HttpRequest, goal_id: int) -> HttpResponse:
    """Mark a goal done or drop it (``status``)."""
    user = signed_in_user(request)
    goal = goals.access_goal(user, goal_id)
    try:
        goals.do_close_goal(goal=goal, user=user, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(
            request, field_errors(exc).get("status") or _("This goal could not be closed.")
        )
        return redirect("goals")
    if goal.status == GoalStatus.DONE:
        messages.success(request, _("Well done. The goal is marked done."))
    else:
        messages.success(request, _("The goal is set aside. You can set a new one any time."))
    return redirect("goals")


@login_required
@require_GET
def group_goals(request: HttpRequest, group_id: int) -> HttpResponse:
    """The goals of the group's people, for its staff (no week counts)."""
    user = signed_in_user(request)
    group = checkins.access_staffed_group(user, group_id)
    rows = list(goals.goals_for_staff(group)[:STAFF_ROWS_SHOWN])
    goals.record_staff_read(user, rows, group=group)
    return render(
        request,
        "spaces/goals_staff.html",
        {"group": group, "rows": rows, "limit": STAFF_ROWS_SHOWN},
    )


# --- milestones --------------------------------------------------------------------


def _offer_card(
    milestone: Milestone,
    *,
    errors: dict[str, str] | None = None,
    body: str | None = None,
    client_id: object = None,
) -> dict[str, Any]:
    return {
        "milestone": milestone,
        "title": milestones.title(milestone),
        "body": milestones.suggested_text(milestone) if body is None else body,
        "errors": errors or {},
        "client_id": client_id or uuid.uuid4(),
        "max_chars": CELEBRATION_MAX_CHARS,
    }


def _milestones_page(
    request: HttpRequest,
    *,
    counter_errors: dict[str, str] | None = None,
    cards: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    user = signed_in_user(request)
    counter = RecoveryCounter.objects.filter(user=user).first()
    today = checkins.local_today(user)
    cards = cards or {}
    return {
        "counter": counter,
        "days": milestones.recovery_days(counter, today=today) if counter else None,
        "sessions": milestones.sessions_attended(user),
        "offers": [cards.get(m.pk) or _offer_card(m) for m in milestones.offers(user)],
        "set_aside": [cards.get(m.pk) or _offer_card(m) for m in milestones.set_aside(user)],
        "shared": [(m, milestones.title(m)) for m in milestones.shared(user)],
        "counter_errors": counter_errors or {},
        "sent": request.POST if counter_errors else {},
        "today": today,
    }


@login_required
@require_GET
def my_milestones(request: HttpRequest) -> HttpResponse:
    """Works out new milestones, then shows them with the counter."""
    milestones.refresh_milestones(signed_in_user(request), timezone.now())
    return render(request, "spaces/milestones.html", _milestones_page(request))


@login_required
@require_POST
def milestone_share(request: HttpRequest, milestone_id: int) -> HttpResponse:
    user = signed_in_user(request)
    milestone = milestones.access_milestone(user, milestone_id)
    body = request.POST.get("body", "")
    try:
        milestones.do_share_milestone(
            milestone=milestone,
            user=user,
            body=body,
            client_id=client_id_of(request.POST.get("client_id")),
        )
    except ValidationError as exc:
        card = _offer_card(
            milestone, errors=field_errors(exc), body=body, client_id=request.POST.get("client_id")
        )
        if is_htmx(request):
            response = render(request, "spaces/milestones_offer.html", card)
            response[REFUSED_HEADER] = "1"
            return response
        context = _milestones_page(request, cards={milestone.pk: card})
        return render(request, "spaces/milestones.html", context, status=422)
    if is_htmx(request):
        return render(request, "spaces/milestones_offer.html", {"done": "shared"})
    messages.success(request, _("Shared in Celebrations. Well done."))
    return redirect("milestones")


@login_required
@require_POST
def milestone_dismiss(request: HttpRequest, milestone_id: int) -> HttpResponse:
    user = signed_in_user(request)
    milestone = milestones.access_milestone(user, milestone_id)
    try:
        milestones.do_dismiss_milestone(milestone=milestone, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(field_errors(exc).values()))
        return redirect("milestones")
    if is_htmx(request):
        return render(request, "spaces/milestones_offer.html", {"done": "dismissed"})
    return redirect("milestones")


@login_required
@require_POST
def recovery_counter(request: HttpRequest) -> HttpResponse:
    """Turn the counter on or change it (``start_date``, ``hidden``), or off
    (``off``)."""
    user = signed_in_user(request)
    start = "" if request.POST.get("off") else request.POST.get("start_date", "")
    if not start and not request.POST.get("off"):
        errors = {"start_date": _("Choose the day you are counting from.")}
        context = _milestones_page(request, counter_errors=errors)
        return render(request, "spaces/milestones.html", context, status=422)
    try:
        milestones.do_set_recovery_counter(
            user=user, start_date=start, hidden=request.POST.get("hidden") == "on"
        )
    except ValidationError as exc:
        context = _milestones_page(request, counter_errors=field_errors(exc))
        return render(request, "spaces/milestones.html", context, status=422)
    return redirect("milestones")
