"""Milestones and celebrations: the opt-in recovery-day counter, sessions
attended, and completing the program, each offered (never forced) as a
celebration post.

``refresh_milestones(user, now)`` works out what the person has reached and
creates an offer for what is new; it is idempotent (one milestone per person,
key and run, enforced by the database). The milestones page and
``GET /me/milestones`` call it, so an offer appears the next time the person
looks; a daily task could call it for everyone to have offers waiting (it
sends nothing by itself, so there is nothing to deliver until they look).

Only the newest milestone reached in each kind is offered: a person who turns
the counter on with a start date a year ago is offered "365 days", not eight
offers at once. Lower ones passed over are not offered later.

Nothing is ever posted for the person. "Share a celebration" posts the text
they confirmed (and may edit) into their program's celebrations space, in a
standing "Celebrations" thread; someone who completed the program and so left
the active cohort's spaces shares into the program's alumni space instead.
"Not now" posts nothing. The counter and its date are the person's alone:
peers and staff never see them, and a milestone is only seen by others as the
words the person chose to share.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, Phase, Program
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.meetings.models import Attendance, AttendanceStatus
from commonroom.spaces import access, actions, checkins
from commonroom.spaces.models import (
    Milestone,
    MilestoneStatus,
    RecoveryCounter,
    Space,
    SpaceKind,
    SpaceScope,
    Thread,
)
from commonroom.spaces.provisioning import ensure_default_spaces

DAY_MILESTONES = (1, 7, 30, 60, 90, 180, 270, 365)
SESSION_MILESTONES = (1, 10, 25, 50, 100)
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
CELEBRATION_MAX_CHARS = 500
# A counter going back further than this is a typo, not a recovery date.
COUNTER_MAX_YEARS = 80


# --- counting ----------------------------------------------------------------------


def recovery_days(counter: RecoveryCounter, *, today: dt.date) -> int:
    """Days since the start date, counted in the person's days: the start day
    itself is day 0, the next day is 1 day."""
    return max((today - counter.start_date).days, 0)


def day_thresholds(days: int) -> list[int]:
    """The day milestones reached by ``days``: the fixed ones, then every
    further whole year (730, 1095, ...)."""
    reached = [d for d in DAY_MILESTONES if d <= days]
    reached += list(range(2 * 365, days + 1, 365))
    return reached


def sessions_attended(user: User) -> int:
    return Attendance.objects.filter(user=user, status__in=ATTENDED).count()


def _newest(thresholds: list[int]) -> int | None:
    return max(thresholds) if thresholds else None


# --- offers ------------------------------------------------------------------------


def _offer(
    user: User, key: str, *, run: str = "", program: Program | None, today: dt.date
) -> Milestone | None:
    """Creates the offer unless it exists. Returns it if new."""
    if Milestone.objects.filter(user=user, key=key, run=run).exists():
        return None
    try:
        with transaction.atomic():
            return Milestone.objects.create(
                user=user, key=key, run=run, program=program, reached_on=today
            )
    except IntegrityError:
        # Two page loads refreshing at once: the other one created it.
        return None


def _celebration_program(user: User) -> Program | None:
    """The program whose celebrations space a sessions milestone goes to:
    the cohort program, or the one the person completed."""
    return checkins.checkin_program(user) or _completed_program(user)


def _completed_program(user: User) -> Program | None:
    enrollment = (
        Enrollment.objects.filter(user=user, phase=Phase.COMPLETED)
        .select_related("program")
        .order_by("phase_changed_at", "pk")
        .first()
    )
    return enrollment.program if enrollment else None


def refresh_milestones(user: User, now: dt.datetime | None = None) -> list[Milestone]:
    """Creates offers for milestones newly reached; returns the new ones.
    Idempotent: calling it again the same day creates nothing."""
    today = checkins.local_today(user, now=now)
    new: list[Milestone] = []
    counter = RecoveryCounter.objects.filter(user=user).first()
    if counter is not None and not counter.hidden:
        newest = _newest(day_thresholds(recovery_days(counter, today=today)))
        run = counter.start_date.isoformat()
        if newest is not None and not _has_higher(user, "days", newest, run):
            made = _offer(
                user, f"days-{newest}", run=run, program=_celebration_program(user), today=today
            )
            new += [made] if made else []
    newest = _newest([n for n in SESSION_MILESTONES if n <= sessions_attended(user)])
    if newest is not None and not _has_higher(user, "sessions", newest, ""):
        made = _offer(user, f"sessions-{newest}", program=_celebration_program(user), today=today)
        new += [made] if made else []
    completed = _completed_program(user)
    if completed is not None:
        made = _offer(user, "completed", program=completed, today=today)
        new += [made] if made else []
    return new


def _has_higher(user: User, kind: str, count: int, run: str) -> bool:
    """Whether this or a higher milestone of the kind was already offered."""
    keys = Milestone.objects.filter(user=user, key__startswith=f"{kind}-", run=run).values_list(
        "key", flat=True
    )
    return any(int(key.split("-", 1)[1]) >= count for key in keys)


# --- what a milestone says -------------------------------------------------------------


def title(milestone: Milestone) -> str:
    kind, _sep, count = milestone.key.partition("-")
    if kind == "days":
        n = int(count)
        return ngettext("%(count)d day", "%(count)d days", n) % {"count": n}
    if kind == "sessions":
        n = int(count)
        return ngettext("%(count)d session attended", "%(count)d sessions attended", n) % {
            "count": n
        }
    return _("Program completed")


def suggested_text(milestone: Milestone) -> str:
    """The post the person is offered; they may change it before sharing."""
    kind, _sep, count = milestone.key.partition("-")
    if kind == "days":
        n = int(count)
        return ngettext(
            "Today I reached %(count)d day. One day at a time.",
            "Today I reached %(count)d days. One day at a time.",
            n,
        ) % {"count": n}
    if kind == "sessions":
        n = int(count)
        return ngettext(
            "I've been to my first group session.",
            "I've now been to %(count)d group sessions. Thank you for being there.",
            n,
        ) % {"count": n}
    return _("I completed the program. Thank you all for walking this with me.")


# --- where a celebration goes -----------------------------------------------------------


def celebration_space(user: User, program: Program | None) -> Space | None:
    """The program's celebrations space if the person belongs to it, else the
    program's alumni space (for someone who completed)."""
    if program is None:
        return None
    if not Space.objects.filter(program=program, kind=SpaceKind.CELEBRATIONS).exists():
        ensure_default_spaces(program)
    visible = access.spaces_visible_to(user).filter(program=program, archived_at__isnull=True)
    space = visible.filter(kind=SpaceKind.CELEBRATIONS).order_by("pk").first()
    if space is None:
        space = visible.filter(scope=SpaceScope.ALUMNI).order_by("pk").first()
    return space


def _standing_thread(space: Space, user: User) -> Thread:
    thread = (
        Thread.objects.filter(
            space=space, locked_at__isnull=True, messages__milestone__isnull=False
        )
        .order_by("-last_activity_at", "-pk")
        .first()
    )
    if thread is None:
        thread = actions.do_create_thread(space=space, author=user, title=_("Celebrations"))
    return thread


# --- actions -----------------------------------------------------------------------


def access_milestone(viewer: User | AnonymousUser, milestone_id: int) -> Milestone:
    """The viewer's own milestone, or 404 for anyone else."""
    milestone = Milestone.objects.filter(
        pk=milestone_id, user_id=core_access.viewer_id(viewer)
    ).first()
    if milestone is None:
        raise Http404
    return milestone


def do_share_milestone(
    *, milestone: Milestone, user: User, body: str, client_id: uuid.UUID
) -> Milestone:
    """Posts the person's celebration once: a milestone already shared is
    returned as it is, whatever the client id."""
    if milestone.user_id != user.pk:
        raise Http404
    if milestone.status == MilestoneStatus.SHARED:
        return milestone
    body = body.strip()
    if len(body) > CELEBRATION_MAX_CHARS:
        raise refuse(
            "body",
            _("A celebration can be at most %(max)d characters; this one has %(count)d.")
            % {"max": CELEBRATION_MAX_CHARS, "count": len(body)},
            "too_long",
        )
    space = celebration_space(user, milestone.program)
    if space is None:
        raise refuse(None, _("There is no celebrations space for you to share in."), "no_space")
    space = access.access_space(user, space.pk)
    with transaction.atomic():
        # The row lock makes two concurrent shares post one message.
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status == MilestoneStatus.SHARED:
            return locked
        message, _created = actions.do_post_message(
            space=space,
            author=user,
            body=body,
            client_id=client_id,
            thread=_standing_thread(space, user),
        )
        locked.status = MilestoneStatus.SHARED
        locked.message = message
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "message", "decided_at"])
    return locked


def do_dismiss_milestone(*, milestone: Milestone, user: User) -> Milestone:
    """ "Not now": the offer is set aside and nothing is posted. The person may
    still share it later from the list of set-aside milestones."""
    if milestone.user_id != user.pk:
        raise Http404
    # Conditional, so a share that landed meanwhile is never undone.
    Milestone.objects.filter(pk=milestone.pk, status=MilestoneStatus.OFFERED).update(
        status=MilestoneStatus.DISMISSED, decided_at=timezone.now()
    )
    milestone.refresh_from_db()
    if milestone.status == MilestoneStatus.SHARED:
        raise refuse(None, _("You already shared this milestone."), "already_shared")
    return milestone


def do_set_recovery_counter(
    *, user: User, start_date: object, hidden: bool = False, now: dt.datetime | None = None
) -> RecoveryCounter | None:
    """Turns the counter on (or moves its start date), or off with no date.
    A new start date withdraws day offers of the old count not yet decided
    (they are no longer true), and hiding the count withdraws them all.
    Decided ones stay as the person's history."""
    today = checkins.local_today(user, now=now)
    if start_date is None or start_date == "":
        with transaction.atomic():
            deleted, _rows = RecoveryCounter.objects.filter(user=user).delete()
            Milestone.objects.filter(
                user=user, key__startswith="days-", status=MilestoneStatus.OFFERED
            ).delete()
            if deleted:
                record(actor=user, action=AuditAction.RECOVERY_COUNTER_OFF, subject=user)
        return None
    try:
        start = (
            start_date
            if isinstance(start_date, dt.date)
            else dt.date.fromisoformat(str(start_date).strip())
        )
    except ValueError:
        raise refuse("start_date", _("Enter a date like 2026-01-31."), "invalid") from None
    if start > today:
        raise refuse("start_date", _("Choose today or a day that has passed."), "in_the_future")
    if start.year < today.year - COUNTER_MAX_YEARS:
        raise refuse("start_date", _("Check the year of this date."), "too_early")
    with transaction.atomic():
        counter, _created = RecoveryCounter.objects.update_or_create(
            user=user,
            defaults={"start_date": start, "hidden": bool(hidden), "updated_at": timezone.now()},
        )
        withdrawn = Milestone.objects.filter(
            user=user, key__startswith="days-", status=MilestoneStatus.OFFERED
        )
        # Hiding the count hides its offers too; a new date makes old ones untrue.
        if not hidden:
            withdrawn = withdrawn.exclude(run=start.isoformat())
        withdrawn.delete()
        record(actor=user, action=AuditAction.RECOVERY_COUNTER_SET, target=counter, subject=user)
    return counter


# --- reads -------------------------------------------------------------------------


def offers(user: User) -> QuerySet[Milestone]:
    return Milestone.objects.filter(user=user, status=MilestoneStatus.OFFERED)


def set_aside(user: User) -> QuerySet[Milestone]:
    return Milestone.objects.filter(user=user, status=MilestoneStatus.DISMISSED)


def shared(user: User) -> QuerySet[Milestone]:
    return Milestone.objects.filter(user=user, status=MilestoneStatus.SHARED)
