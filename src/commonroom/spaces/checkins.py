"""The structured daily check-in: storing one, streaks, and the staff's view.

A check-in is health information. Its audience is chosen each time:

- ``group``: stored, and posted as a message into the standing "Daily
  check-ins" thread of the person's therapy group's check-in space, where the
  group's peers and staff read it like any other message. The standing thread
  is the newest unlocked thread of that space that already holds a shared
  check-in; if there is none (a new group, or a moderator locked the last
  one), a new one is started. Two first check-ins racing may start two
  threads; the next check-in picks the newest, so nothing is lost.
- ``buddy``: stored, and posted into the person's current buddy pair's space
  (peers/buddies registers where that is), in the standing check-in thread
  made when the pair formed; the pair and their facilitators read it there.
  Refused with ``no_buddy`` for a person without a current buddy.
- ``facilitators``: stored only; peers never see it, in any page or event.
- ``mentor``: posted like ``group``, but into the person's current
  mentorship space, found through ``register_checkin_space`` by the app
  that owns mentorships; refused when there is none.

Staff of a group (its facilitators, the program's admins) read every check-in
of the group's current members, whatever the audience; each staff read is
audited per person read about.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import COHORT_PHASES, Enrollment, GroupKind, Program, TherapyGroup
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, audited_reads, record
from commonroom.core.validation import refuse
from commonroom.spaces import access, actions
from commonroom.spaces.models import CheckIn, CheckInAudience, Space, SpaceKind, SpaceScope, Thread
from commonroom.spaces.provisioning import ensure_group_spaces

GRATEFUL_MAX_CHARS = 280
NOTE_MAX_CHARS = 2000
# A retried check-in posts the same message: its client id is derived from the
# check-in's, so do_post_message's own idempotency holds too.
_MESSAGE_ID_NAMESPACE = uuid.UUID("5f6b3c1e-9d7a-4c1b-8f0e-2a9d4c7e1b33")


# --- time --------------------------------------------------------------------------


def zone_of(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(user: User, *, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(zone_of(user)).date()


def streak(user: User, *, now: dt.datetime | None = None) -> int:
    """Consecutive days with a check-in, in the days of the person's own time
    zone, ending today or yesterday (today's may still come)."""
    today = local_today(user, now=now)
    days = (
        CheckIn.objects.filter(user=user, local_date__lte=today)
        .order_by("-local_date")
        .values_list("local_date", flat=True)
        .distinct()
    )
    return streak_of(days.iterator(), today=today)


def streak_of(days_newest_first: Iterable[dt.date], *, today: dt.date) -> int:
    """The streak of distinct days, given newest first and none after today."""
    count = 0
    expected = today
    for day in days_newest_first:
        if day == expected:
            count += 1
        elif count == 0 and day == today - dt.timedelta(days=1):
            count = 1
        else:
            break
        expected = day - dt.timedelta(days=1)
    return count


# --- validation --------------------------------------------------------------------


def _whole_number(
    errors: dict[str, ValidationError], field: str, raw: object, low: int, high: int
) -> int:
    message = _("Choose a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        errors[field] = ValidationError(message, code="invalid")
        return low
    if isinstance(raw, bool) or not low <= value <= high:
        errors[field] = ValidationError(message, code="out_of_range")
    return value


def _sleep(errors: dict[str, ValidationError], raw: object) -> Decimal:
    message = _("Enter the hours you slept, from 0 to 24 (for example 7.5).")
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        errors["sleep_hours"] = ValidationError(message, code="invalid")
        return Decimal(0)
    if isinstance(raw, bool) or not value.is_finite() or not 0 <= value <= 24:
        errors["sleep_hours"] = ValidationError(message, code="out_of_range")
        return Decimal(0)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _text(errors: dict[str, ValidationError], field: str, raw: str, limit: int) -> str:
    value = raw.strip()
    if len(value) > limit:
        errors[field] = ValidationError(
            _("This can be at most %(max)d characters; it has %(count)d.")
            % {"max": limit, "count": len(value)},
            code="too_long",
        )
    return value


@dataclass(frozen=True, slots=True)
class Answers:
    mood: int
    craving: int
    sleep_hours: Decimal
    grateful_for: str
    note: str
    audience: str


def check_answers(
    *,
    mood: object,
    craving: object,
    sleep_hours: object,
    grateful_for: str,
    note: str,
    audience: str,
) -> Answers:
    """All the answers checked at once: the refusal names every bad field."""
    errors: dict[str, ValidationError] = {}
    answers = Answers(
        mood=_whole_number(errors, "mood", mood, 1, 10),
        craving=_whole_number(errors, "craving", craving, 0, 10),
        sleep_hours=_sleep(errors, sleep_hours),
        grateful_for=_text(errors, "grateful_for", grateful_for, GRATEFUL_MAX_CHARS),
        note=_text(errors, "note", note, NOTE_MAX_CHARS),
        audience=audience,
    )
    if audience not in CheckInAudience.values:
        errors["audience"] = ValidationError(_("Choose who sees this check-in."), code="invalid")
    if errors:
        raise ValidationError(errors)
    return answers


# --- where a shared check-in goes ----------------------------------------------------

# Audiences whose space another app owns (peers/buddies registers "buddy"):
# the finder answers the person's space for that audience, or None.
AUDIENCE_SPACES: dict[str, Callable[[User, Program], Space | None]] = {}


def register_audience_space(audience: str, finder: Callable[[User, Program], Space | None]) -> None:
    """Called from the owning app's ``AppConfig.ready``."""
    AUDIENCE_SPACES[audience] = finder


def audience_space(user: User, program: Program, audience: str) -> Space | None:
    finder = AUDIENCE_SPACES.get(audience)
    return finder(user, program) if finder is not None else None


def has_buddy(user: User) -> bool:
    program = checkin_program(user)
    return program is not None and (
        audience_space(user, program, CheckInAudience.BUDDY) is not None
    )


def checkin_program(user: User) -> Program | None:
    """The program the person checks in with: their cohort enrollment."""
    enrollment = (
        Enrollment.objects.filter(user=user, phase__in=COHORT_PHASES)
        .select_related("program")
        .order_by("pk")
        .first()
    )
    return enrollment.program if enrollment else None


def home_group(user: User, program: Program) -> TherapyGroup | None:
    """'My group': the therapy group (not an affinity group) the person is in
    now; the one joined first if there are several."""
    membership = (
        core_access.cohort_memberships()
        .filter(user_id=user.pk, group__program=program)
        .exclude(group__kind=GroupKind.AFFINITY)
        .select_related("group")
        .order_by("joined_at", "pk")
        .first()
    )
    return membership.group if membership else None


def checkin_space(group: TherapyGroup) -> Space | None:
    """The group's check-in space, created with the group's other default
    spaces if it is missing (an archived one is not reopened)."""
    spaces = Space.objects.filter(scope=SpaceScope.GROUP, group=group, kind=SpaceKind.CHECKIN)
    if not spaces.exists():
        ensure_group_spaces(group)
    return spaces.filter(archived_at__isnull=True).order_by("pk").first()


def _standing_thread(space: Space, user: User) -> Thread:
    thread = (
        Thread.objects.filter(space=space, locked_at__isnull=True, messages__checkin__isnull=False)
        .order_by("-last_activity_at", "-pk")
        .first()
    )
    if thread is None and space.scope not in (SpaceScope.GROUP, SpaceScope.PROGRAM):
        # A relationship's space starts with its check-in thread.
        thread = Thread.objects.filter(space=space, locked_at__isnull=True).order_by("pk").first()
    if thread is None:
        thread = actions.do_create_thread(space=space, author=user, title=_("Daily check-ins"))
    return thread


def message_body(answers: Answers) -> str:
    """The shared post, in Markdown; the free text is sanitised when rendered."""
    lines = [
        _("**Daily check-in** · mood %(mood)d/10 · craving %(craving)d/10 · sleep %(sleep)s h")
        % {"mood": answers.mood, "craving": answers.craving, "sleep": answers.sleep_hours}
    ]
    if answers.grateful_for:
        lines.append(_("Grateful for: %(text)s") % {"text": answers.grateful_for})
    if answers.note:
        lines.append(answers.note)
    return "\n\n".join(lines)


def checkin_payload(answers: Answers) -> dict[str, object]:
    """The answers the group sees in the post, structured for live pages
    (spaces/events.py CHECKIN_KEYS; the log withdraws them with the post's
    text). The free text is plain text here: a page shows it as text, never
    as markup (the post's ``html`` is the sanitised rendering)."""
    return {
        "mood": answers.mood,
        "craving": answers.craving,
        "sleep_hours": float(answers.sleep_hours),
        "grateful_for": answers.grateful_for,
        "note": answers.note,
    }


def _target_space(checkin: CheckIn, user: User) -> Space:
    if checkin.audience == CheckInAudience.BUDDY:
        space = audience_space(user, checkin.program, CheckInAudience.BUDDY)
        if space is None:
            raise refuse(
                "audience",
                _(
                    "You don't have an accountability buddy right now. "
                    "Share this check-in with your group or the facilitators instead."
                ),
                "no_buddy",
            )
        return space
    if checkin.audience == CheckInAudience.MENTOR:
        space = audience_space(user, checkin.program, CheckInAudience.MENTOR)
        if space is None:
            raise refuse(
                "audience",
                _(
                    "You don't have a mentor right now. "
                    "Share this check-in with your group or the facilitators instead."
                ),
                "no_mentor",
            )
        return space
    group = home_group(user, checkin.program)
    group_space = checkin_space(group) if group is not None else None
    if group_space is None:
        raise refuse(
            "audience",
            _(
                "You are not in a group with a check-in space right now; "
                "share this check-in with the facilitators instead."
            ),
            "no_group",
        )
    return group_space


def _post_to_space(checkin: CheckIn, answers: Answers, user: User) -> None:
    space = _target_space(checkin, user)
    # The same rules as any post: membership, agreement (AgreementRequired), mutes.
    space = access.access_space(user, space.pk)
    try:
        message, _created = actions.do_post_message(
            space=space,
            author=user,
            body=message_body(answers),
            client_id=uuid.uuid5(_MESSAGE_ID_NAMESPACE, str(checkin.client_id)),
            thread=_standing_thread(space, user),
            checkin=checkin_payload(answers),
        )
    except ValidationError as exc:
        # A message error here comes from the note (e.g. an unknown @mention).
        if hasattr(exc, "error_dict") and "body" in exc.error_dict:
            raise ValidationError({"note": exc.error_dict["body"]}) from exc
        raise
    checkin.message = message
    checkin.save(update_fields=["message"])


def register_checkin_space(audience: str, find: Callable[[User, Program], Space | None]) -> None:
    """The mentors app's name for ``register_audience_space``."""
    register_audience_space(audience, find)


def relationship_space(audience: str, user: User, program: Program) -> Space | None:
    return audience_space(user, program, audience)


# --- the action --------------------------------------------------------------------


def do_check_in(
    *,
    user: User,
    program: Program,
    mood: object,
    craving: object,
    sleep_hours: object,
    grateful_for: str = "",
    note: str = "",
    audience: str,
    client_id: uuid.UUID,
    now: dt.datetime | None = None,
) -> tuple[CheckIn, bool]:
    """Stores a check-in once per client id: a retry returns the stored one and
    ``False``. Bad answers are refused with every bad field named, and nothing
    is stored; a group check-in and its post commit together or not at all."""
    existing = CheckIn.objects.filter(user=user, client_id=client_id).first()
    if existing is not None:
        return existing, False
    if not Enrollment.objects.filter(user=user, program=program, phase__in=COHORT_PHASES).exists():
        raise refuse(
            None, _("You can check in while you take part in the program."), "not_enrolled"
        )
    answers = check_answers(
        mood=mood,
        craving=craving,
        sleep_hours=sleep_hours,
        grateful_for=grateful_for,
        note=note,
        audience=audience,
    )
    now = now or timezone.now()
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                user=user,
                program=program,
                client_id=client_id,
                mood=answers.mood,
                craving=answers.craving,
                sleep_hours=answers.sleep_hours,
                grateful_for=answers.grateful_for,
                note=answers.note,
                audience=answers.audience,
                local_date=local_today(user, now=now),
                created_at=now,
            )
            if answers.audience in (
                CheckInAudience.GROUP,
                CheckInAudience.BUDDY,
                CheckInAudience.MENTOR,
            ):
                _post_to_space(checkin, answers, user)
            record(
                actor=user,
                action=AuditAction.CHECKIN_CREATE,
                target=checkin,
                subject=user,
                detail={"audience": answers.audience},
            )
    except IntegrityError:
        # The same client id raced in from a second tab or a retry.
        return CheckIn.objects.get(user=user, client_id=client_id), False
    return checkin, True


# --- reads -------------------------------------------------------------------------


def my_checkins(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(user=user).select_related("message")


def staffed_group_ids(viewer: User | AnonymousUser) -> set[int]:
    """Groups whose check-ins this person reads: the groups they facilitate,
    and every group of the programs they administer."""
    groups = core_access.facilitated_group_ids(viewer)
    programs = core_access.administered_program_ids(viewer)
    if programs:
        groups |= set(
            TherapyGroup.objects.filter(program_id__in=programs).values_list("pk", flat=True)
        )
    return groups


def staffed_groups(viewer: User | AnonymousUser) -> QuerySet[TherapyGroup]:
    return TherapyGroup.objects.filter(pk__in=staffed_group_ids(viewer)).order_by("name", "pk")


def access_staffed_group(viewer: User | AnonymousUser, group_id: int) -> TherapyGroup:
    """The group, for its staff; 404 for everyone else."""
    if group_id not in staffed_group_ids(viewer):
        raise Http404
    return TherapyGroup.objects.get(pk=group_id)


def checkins_for_staff(
    viewer: User | AnonymousUser, *, group: TherapyGroup | None = None
) -> QuerySet[CheckIn]:
    """Every check-in, of any audience, by the current members of the groups
    this person runs (or of ``group`` only), in the group's program; a
    program admin also reads check-ins of the program's people in no group."""
    group_ids = staffed_group_ids(viewer)
    if group is not None:
        group_ids &= {group.pk}
    in_group = core_access.cohort_memberships().filter(
        group_id__in=group_ids,
        user_id=OuterRef("user_id"),
        group__program_id=OuterRef("program_id"),
    )
    checkins = CheckIn.objects.filter(Exists(in_group))
    if group is None:
        programs = core_access.administered_program_ids(viewer)
        if programs:
            checkins = checkins | CheckIn.objects.filter(program_id__in=programs)
    return checkins.select_related("user").order_by("-created_at", "-pk")


def record_staff_read(
    viewer: User, checkins: list[CheckIn], *, group: TherapyGroup | None = None
) -> None:
    """One audit entry per person whose check-ins a staff member read."""
    audited_reads(
        viewer,
        action=AuditAction.CHECKIN_READ,
        rows=checkins,
        subject_of=lambda checkin: checkin.user,
        ids_key="checkin_ids",
        obj=group,
    )
