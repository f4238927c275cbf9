"""Goals and accountability: setting a goal, posting progress, closing it, and
the week counts the person sees.

Who sees what:

- The goal's accountability thread lives in the person's therapy group's
  goals space. Its title (the goal) and the progress posts are seen by the
  group's peers and staff, who cheer with reactions and replies: being seen
  is the point of accountability, and the space's own rules decide who reads
  it (spaces/access.py).
- How often the person planned to check in and how often they did (the
  "you planned 3 and did 1" counts) is shown to the person only: never in a
  page, payload or event any peer or staff member receives. A missed
  check-in sends nothing to anyone.
- Staff of the goal's group (its facilitators, the program's admins) see the
  list of their group's people's goals (what, by when, how often, status),
  without the counts; each staff read is audited per person.
- Only the person posts progress on, or closes, their goal: every other
  viewer gets a 404 from the goal's own pages and endpoints.

A progress check-in is a post made through the goal's own form or
``POST /goals/{id}/progress``; the person's replies to cheers in the thread
are conversation, not check-ins, and are not counted.

Weeks run Monday to Sunday in the person's own time zone (``User.time_zone``);
each progress check-in keeps the local day it was posted on, and a goal counts
at most one check-in a day. A week's plan is the goal's times a week, capped
by the days the goal runs that week (it may start mid-week or end by its
date).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonroom.accounts.models import User
from commonroom.care.models import TherapyGroup
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, audited_reads, record
from commonroom.core.validation import refuse
from commonroom.spaces import access, actions, checkins
from commonroom.spaces.actions import TITLE_MAX_CHARS
from commonroom.spaces.models import (
    Goal,
    GoalCadence,
    GoalProgress,
    GoalStatus,
    Space,
    SpaceKind,
    SpaceScope,
)
from commonroom.spaces.provisioning import ensure_group_spaces

WHAT_MAX_CHARS = 200
# The goal's opening post is derived from the goal's client id, so a retried
# "set goal" posts it once (do_post_message is idempotent per client id).
_OPENING_NAMESPACE = uuid.UUID("0b5e7f4a-3c2d-4e8f-9a1b-6c7d8e9f0a12")


# --- time --------------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def _as_date(raw: object) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw).strip())


# --- validation --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    what: str
    by_when: dt.date | None
    cadence: str
    times_per_week: int


def check_plan(
    *, what: str, by_when: object, cadence: str, times_per_week: object, today: dt.date
) -> Plan:
    """Every field checked at once: the refusal names each bad one."""
    errors: dict[str, ValidationError] = {}
    what = what.strip()
    if not what:
        errors["what"] = ValidationError(_("Say what your goal is."), code="required")
    elif len(what) > WHAT_MAX_CHARS:
        errors["what"] = ValidationError(
            _("A goal can be at most %(max)d characters; this one has %(count)d.")
            % {"max": WHAT_MAX_CHARS, "count": len(what)},
            code="too_long",
        )
    deadline: dt.date | None = None
    try:
        deadline = _as_date(by_when)
    except ValueError:
        errors["by_when"] = ValidationError(
            _("Enter a date like 2026-12-31, or leave it empty."), code="invalid"
        )
    if deadline is not None and deadline < today:
        errors["by_when"] = ValidationError(
            _("Choose today or a day still to come."), code="in_the_past"
        )
    times = 7
    if cadence == GoalCadence.WEEKLY:
        message = _("Choose how many times a week, from 1 to 7.")
        try:
            times = int(str(times_per_week).strip())
        except ValueError:
            errors["times_per_week"] = ValidationError(message, code="invalid")
        else:
            if isinstance(times_per_week, bool) or not 1 <= times <= 7:
                errors["times_per_week"] = ValidationError(message, code="out_of_range")
    elif cadence != GoalCadence.DAILY:
        errors["cadence"] = ValidationError(
            _("Choose how often you will check in."), code="invalid"
        )
    if errors:
        raise ValidationError(errors)
    return Plan(what=what, by_when=deadline, cadence=cadence, times_per_week=times)


# --- where a goal's thread goes --------------------------------------------------------


def goals_space(group: TherapyGroup) -> Space | None:
    """The group's goals space, created with its other default spaces if it
    is missing (an archived one is not reopened)."""
    spaces = Space.objects.filter(scope=SpaceScope.GROUP, group=group, kind=SpaceKind.GOALS)
    if not spaces.exists():
        ensure_group_spaces(group)
    return spaces.filter(archived_at__isnull=True).order_by("pk").first()


def _opening_post(plan: Plan) -> str:
    if plan.cadence == GoalCadence.DAILY:
        how_often = _("I'll check in here every day.")
    else:
        how_often = ngettext(
            "I'll check in here %(count)d time a week.",
            "I'll check in here %(count)d times a week.",
            plan.times_per_week,
        ) % {"count": plan.times_per_week}
    lines = [_("**My goal:** %(what)s") % {"what": plan.what}, how_often]
    if plan.by_when is not None:
        lines.append(_("By %(date)s.") % {"date": plan.by_when.isoformat()})
    return "\n\n".join(lines)


# --- actions -----------------------------------------------------------------------


def do_set_goal(
    *,
    user: User,
    what: str,
    by_when: object = None,
    cadence: str,
    times_per_week: object = 7,
    client_id: uuid.UUID,
    now: dt.datetime | None = None,
) -> tuple[Goal, bool]:
    """Stores a goal once per client id (a retry returns it and ``False``) and
    opens its accountability thread in the person's group's goals space. Bad
    input is refused naming every bad field, and nothing is stored."""
    existing = Goal.objects.filter(user=user, client_id=client_id).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    today = checkins.local_today(user, now=now)
    plan = check_plan(
        what=what, by_when=by_when, cadence=cadence, times_per_week=times_per_week, today=today
    )
    program = checkins.checkin_program(user)
    group = checkins.home_group(user, program) if program is not None else None
    space = goals_space(group) if group is not None else None
    if program is None or group is None or space is None:
        raise refuse(
            None,
            _("Goals are shared in your therapy group's goals space; you are not in a group now."),
            "no_group",
        )
    # The same rules as any post: membership, the group agreement, mutes.
    space = access.access_space(user, space.pk)
    try:
        with transaction.atomic():
            thread = actions.do_create_thread(
                space=space,
                author=user,
                title=Truncator(plan.what).chars(TITLE_MAX_CHARS),
            )
            actions.do_post_message(
                space=space,
                author=user,
                body=_opening_post(plan),
                client_id=uuid.uuid5(_OPENING_NAMESPACE, str(client_id)),
                thread=thread,
            )
            goal = Goal.objects.create(
                user=user,
                program=program,
                group=group,
                client_id=client_id,
                what=plan.what,
                by_when=plan.by_when,
                cadence=plan.cadence,
                times_per_week=plan.times_per_week,
                thread=thread,
                starts_on=today,
                created_at=now,
            )
            record(actor=user, action=AuditAction.GOAL_CREATE, target=goal, subject=user)
    except IntegrityError:
        # The same client id raced in from a second tab or a retry.
        return Goal.objects.get(user=user, client_id=client_id), False
    return goal, True


def do_post_progress(
    *,
    goal: Goal,
    user: User,
    body: str,
    client_id: uuid.UUID,
    now: dt.datetime | None = None,
) -> tuple[GoalProgress, bool]:
    """Posts a progress check-in in the goal's thread, once per client id."""
    if goal.user_id != user.pk:
        raise Http404
    done = GoalProgress.objects.filter(
        goal=goal, message__author=user, message__client_id=client_id
    ).first()
    if done is not None:
        return done, False
    if goal.status != GoalStatus.ACTIVE:
        raise refuse(None, _("This goal is closed; set a new one to keep going."), "closed")
    if goal.thread is None:
        raise refuse(None, _("This goal's thread was removed; set the goal again."), "no_thread")
    try:
        space = access.access_space(user, goal.thread.space_id)
    except Http404:
        raise refuse(
            None, _("You are no longer in this goal's group, so you can't post here."), "not_member"
        ) from None
    now = now or timezone.now()
    with transaction.atomic():
        message, _created = actions.do_post_message(
            space=space, author=user, body=body, client_id=client_id, thread=goal.thread
        )
        if message.thread_id != goal.thread_id:
            raise refuse("client_id", _("This id was already used for another post."), "reused")
        progress, created = GoalProgress.objects.get_or_create(
            message=message,
            defaults={
                "goal": goal,
                "local_date": checkins.local_today(user, now=now),
                "created_at": now,
            },
        )
    return progress, created


def do_close_goal(*, goal: Goal, user: User, status: str) -> Goal:
    """Marks the goal done or dropped. The thread stays open for cheers; no
    post is made for the person."""
    if goal.user_id != user.pk:
        raise Http404
    if status not in {GoalStatus.DONE, GoalStatus.DROPPED}:
        raise refuse("status", _("Choose done or dropped."), "invalid")
    if goal.status == status:
        return goal
    if goal.status != GoalStatus.ACTIVE:
        raise refuse("status", _("This goal is already closed."), "closed")
    with transaction.atomic():
        updated = Goal.objects.filter(pk=goal.pk, status=GoalStatus.ACTIVE).update(
            status=status, closed_at=timezone.now()
        )
        goal.refresh_from_db()
        if updated:
            record(
                actor=user,
                action=AuditAction.GOAL_CLOSE,
                target=goal,
                subject=user,
                detail={"status": status},
            )
    return goal


# --- reads -------------------------------------------------------------------------


def access_goal(viewer: User | AnonymousUser, goal_id: int) -> Goal:
    """The viewer's own goal, or 404 (peers reach the goal only through its
    thread; staff through the group's goal list)."""
    goal = (
        Goal.objects.filter(pk=goal_id, user_id=core_access.viewer_id(viewer))
        .select_related("thread")
        .first()
    )
    if goal is None:
        raise Http404
    return goal


def my_goals(user: User) -> QuerySet[Goal]:
    return Goal.objects.filter(user=user).select_related("thread")


@dataclass(frozen=True, slots=True)
class Week:
    start: dt.date
    planned: int
    done: int

    @property
    def behind(self) -> bool:
        return self.done < self.planned


def _planned(goal: Goal, start: dt.date, until: dt.date) -> int:
    """Check-ins planned in the week from ``start``: all seven days of a daily
    goal, fewer in the week it was set or ends; a weekly count is capped by
    the days the goal runs that week."""
    first = max(start, goal.starts_on)
    last = start + dt.timedelta(days=6)
    if goal.by_when is not None:
        last = min(last, goal.by_when)
    last = min(last, until)
    days = (last - first).days + 1
    if days <= 0:
        return 0
    return min(goal.times_per_week, days)


def week_counts(
    goal: Goal, user: User, *, now: dt.datetime | None = None
) -> tuple[Week, Week | None]:
    """This week's plan and check-ins so far, and last week's if the goal ran
    then. For the person only: never put these into anything others see."""
    today = checkins.local_today(user, now=now)
    this_start = week_start(today)
    last_start = this_start - dt.timedelta(days=7)
    days = set(
        GoalProgress.objects.filter(goal=goal, local_date__gte=last_start).values_list(
            "local_date", flat=True
        )
    )

    def done(start: dt.date) -> int:
        return sum(1 for d in days if start <= d < start + dt.timedelta(days=7))

    # This week shows the whole week's plan: it is a plan, not a verdict.
    this = Week(
        this_start, _planned(goal, this_start, this_start + dt.timedelta(6)), done(this_start)
    )
    last = None
    if goal.starts_on < this_start:
        last = Week(last_start, _planned(goal, last_start, this_start), done(last_start))
    return this, last


def goals_for_staff(group: TherapyGroup) -> QuerySet[Goal]:
    """Goals set in the group by its current members."""
    members = core_access.cohort_memberships().filter(group=group).values("user_id")
    return (
        Goal.objects.filter(group=group, user_id__in=members)
        .select_related("user")
        .order_by("user__display_name", "-created_at", "-pk")
    )


def record_staff_read(viewer: User, goals: list[Goal], *, group: TherapyGroup) -> None:
    """One audit entry per person whose goals a staff member read."""
    audited_reads(
        viewer,
        action=AuditAction.GOAL_READ,
        rows=goals,
        subject_of=lambda goal: goal.user,
        ids_key="goal_ids",
        obj=group,
    )
