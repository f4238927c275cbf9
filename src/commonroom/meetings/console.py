"""The facilitator console: who has been heard, breakout rooms, the sharing
prompt and the rotating co-lead. Every change goes through these actions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonroom.accounts.models import User
from commonroom.care.models import CoupleLink, DoNotPair, IntakePreferences, Phase
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.matching import breakouts as matching
from commonroom.meetings import prompts as suggest_module
from commonroom.meetings import rotation
from commonroom.meetings.models import (
    BreakoutRoom,
    BreakoutRound,
    CoLeadOptIn,
    PresenceEvent,
    RoundStatus,
    Session,
    SessionPlan,
    SessionStatus,
    ShareKind,
    ShareLength,
    ShareLog,
    SharingPrompt,
)
from commonroom.meetings.queries import roster_ids
from commonroom.realtime.notify import notify_users

MAX_EXTEND_MINUTES = 30


# --- who is here, who has been heard -------------------------------------------

# Weights for the talk-turn balance: a rough length, never a stopwatch.
LENGTH_WEIGHT = {ShareLength.BRIEF: 1, ShareLength.MEDIUM: 2, ShareLength.LONG: 3}
QUIET_LOOKBACK = 3  # earlier sessions of the group checked for "not heard lately"


def _last_presence(session: Session) -> tuple[dict[int, str], dict[int, int]]:
    """Each person's last presence kind, and the order in which they first
    joined (the go-round goes round in arrival order)."""
    last: dict[int, str] = {}
    arrival: dict[int, int] = {}
    for user_id, kind in PresenceEvent.objects.filter(session=session).values_list(
        "user_id", "kind"
    ):
        last[user_id] = kind
        if kind == "join":
            arrival.setdefault(user_id, len(arrival))
    return last, arrival


def present_ids(session: Session) -> list[int]:
    """People whose last presence event is a join: in the room now, in the
    order they first came."""
    last, arrival = _last_presence(session)
    roster = set(roster_ids(session))
    here = [uid for uid, kind in last.items() if kind == "join" and uid in roster]
    return sorted(here, key=lambda uid: arrival[uid])


def not_yet_heard(session: Session) -> list[User]:
    """The go-round: people in the room who have neither shared nor passed,
    in the order they came."""
    offered = set(ShareLog.objects.filter(session=session).values_list("user_id", flat=True))
    here = [uid for uid in present_ids(session) if uid not in offered]
    people = {u.pk: u for u in User.objects.filter(pk__in=here)}
    return [people[uid] for uid in here if uid in people]


@dataclass(frozen=True, slots=True)
class RosterLine:
    person: User
    presence: str  # "here", "left" or "not_joined"


@dataclass(frozen=True, slots=True)
class VoiceLine:
    person: User
    turns: int
    weight: int
    percent: int  # share of this session's talk, by rough length
    last_length: str


@dataclass(frozen=True, slots=True)
class Voices:
    """The console's voices panel, read in one place for the page and the API."""

    roster: list[RosterLine]
    go_round: list[User]  # not yet heard, in arrival order; the first is next
    quiet_ids: set[int]  # not heard this session nor in the group's last sessions
    quiet_lookback: int  # how many earlier sessions that looked at (at most three)
    heard: list[VoiceLine]
    passed: list[User]
    present_count: int
    evenness: int | None  # 0-100: how evenly talk is spread over who is here


def _quiet_lately(session: Session, user_ids: list[int]) -> tuple[set[int], int]:
    """Who of ``user_ids`` shared in none of the group's last three sessions,
    and how many earlier sessions there were to look at (a new group has
    none, and then nobody is singled out)."""
    earlier = list(
        Session.objects.filter(
            series__group_id=session.series.group_id, starts_at__lt=session.starts_at
        )
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("-starts_at")
        .values_list("pk", flat=True)[:QUIET_LOOKBACK]
    )
    spoke = set(
        ShareLog.objects.filter(
            session_id__in=earlier, user_id__in=user_ids, kind=ShareKind.SHARED
        ).values_list("user_id", flat=True)
    )
    if not earlier:
        return set(), 0
    return {uid for uid in user_ids if uid not in spoke}, len(earlier)


def _evenness(weights: list[int]) -> int | None:
    """Normalised entropy of the talk weights over the people here (0 when one
    person did all the talking, 100 when everyone spoke equally)."""
    total = sum(weights)
    if total == 0 or len(weights) < 2:
        return None
    entropy = -sum(w / total * math.log(w / total) for w in weights if w)
    return round(100 * entropy / math.log(len(weights)))


def voices(session: Session) -> Voices:
    last, arrival = _last_presence(session)
    roster = roster_ids(session)
    people = {u.pk: u for u in User.objects.filter(pk__in=roster).order_by("display_name")}
    here = [uid for uid in present_ids(session) if uid in people]
    logs = list(ShareLog.objects.filter(session=session, user_id__in=people))
    shared: dict[int, list[ShareLog]] = {}
    passed: list[int] = []
    for log in logs:
        if log.kind == ShareKind.SHARED:
            shared.setdefault(log.user_id, []).append(log)
        elif log.user_id not in passed:
            passed.append(log.user_id)
    weight = {
        uid: sum(LENGTH_WEIGHT.get(ShareLength(log.length or "medium"), 2) for log in turns)
        for uid, turns in shared.items()
    }
    total = sum(weight.values())
    go_round = [people[uid] for uid in here if uid not in shared and uid not in passed]
    presence = {
        uid: "here" if last.get(uid) == "join" else "left" if uid in last else "not_joined"
        for uid in people
    }
    quiet_ids, quiet_lookback = _quiet_lately(session, [p.pk for p in go_round])
    return Voices(
        roster=[
            RosterLine(person=p, presence=presence[uid])
            for uid, p in sorted(
                people.items(), key=lambda item: (arrival.get(item[0], 10**6), item[1].display_name)
            )
        ],
        go_round=go_round,
        quiet_ids=quiet_ids,
        quiet_lookback=quiet_lookback,
        heard=[
            VoiceLine(
                person=people[uid],
                turns=len(turns),
                weight=weight[uid],
                percent=round(100 * weight[uid] / total) if total else 0,
                last_length=turns[-1].length,
            )
            for uid, turns in sorted(shared.items(), key=lambda item: item[1][0].at)
        ],
        passed=[people[uid] for uid in passed if uid not in shared],
        present_count=len(here),
        evenness=_evenness([weight.get(uid, 0) for uid in set(here) | set(shared)]),
    )


def do_log_share(
    *,
    session: Session,
    user_id: int,
    logged_by: User,
    kind: str = ShareKind.SHARED,
    length: str = "",
) -> ShareLog:
    """One tap in the voices panel: a share with its rough length, or a pass."""
    if kind not in ShareKind.values:
        raise refuse("kind", _("A turn is either shared or passed."), "invalid_kind")
    if kind == ShareKind.PASSED:
        length = ""
    elif length not in {"", *ShareLength.values}:
        raise refuse("length", _("A share is brief, medium or long."), "invalid_length")
    if user_id not in set(roster_ids(session)):
        raise refuse("user", _("This person is not on the session's roster."), "not_on_roster")
    with transaction.atomic():
        share = ShareLog.objects.create(
            session=session,
            user_id=user_id,
            logged_by=logged_by,
            kind=kind,
            length=length or (ShareLength.MEDIUM if kind == ShareKind.SHARED else ""),
        )
    _hint_staff(session, "console.changed", {"session": session.pk})
    return share


def do_undo_share(*, session: Session, user_id: int) -> None:
    """Takes back the last tap for this person (a mis-tap in a live group)."""
    last = ShareLog.objects.filter(session=session, user_id=user_id).order_by("-at", "-pk").first()
    if last is not None:
        last.delete()
    _hint_staff(session, "console.changed", {"session": session.pk})


def _staff_ids(session: Session) -> set[int]:
    return set(session.series.group.facilitators.values_list("pk", flat=True))


def _hint_staff(session: Session, kind: str, payload: dict[str, int]) -> None:
    staff = _staff_ids(session)
    notify_users(staff, kind, payload)


# --- breakout rooms ----------------------------------------------------------------


def _request_for(
    session: Session, people: list[int], *, room_count: int | None, room_size: int | None
) -> matching.BreakoutRequest:
    program_id = session.series.group.program_id
    prefs = {p.user_id: p for p in IntakePreferences.objects.filter(user_id__in=people)}
    persons = []
    for uid in people:
        languages = frozenset(prefs[uid].languages) if uid in prefs else frozenset()
        # Someone who does not list English needs a room where their language is spoken.
        needs = languages if languages and "en" not in languages else frozenset()
        persons.append(matching.Person(id=uid, languages=languages, language_needs=needs))
    chosen = set(people)
    couples = [
        matching.Couple(a=c.person_a_id, b=c.person_b_id, policy=c.policy)  # type: ignore[arg-type]
        for c in CoupleLink.objects.filter(program_id=program_id)
        if c.person_a_id in chosen and c.person_b_id in chosen
    ]
    do_not_pair = frozenset(
        frozenset({d.person_a_id, d.person_b_id})
        for d in DoNotPair.objects.filter(program_id=program_id)
        if d.person_a_id in chosen and d.person_b_id in chosen
    )
    history = []
    earlier = BreakoutRound.objects.filter(
        session__series__group_id=session.series.group_id,
        status__in=[RoundStatus.OPEN, RoundStatus.CLOSED],
    ).order_by("created_at", "pk")
    for earlier_round in earlier.prefetch_related("rooms__members"):
        history.append(
            [frozenset(m.pk for m in room.members.all()) for room in earlier_round.rooms.all()]
        )
    return matching.BreakoutRequest(
        people=persons,
        room_count=room_count,
        room_size=room_size,
        couples=couples,
        do_not_pair=do_not_pair,
        history=history,
    )


def do_plan_breakouts(
    *,
    session: Session,
    planned_by: User,
    room_count: int | None = None,
    room_size: int | None = None,
    duration_minutes: int = 15,
) -> BreakoutRound:
    """A draft round: rooms that maximise new pairings for this group while
    keeping couples as their policy says, do-not-pair people apart and
    language needs together. The facilitator can adjust it before opening."""
    if (room_count is None) == (room_size is None):
        raise refuse("room_count", _("Ask for a number of rooms or a room size."), "required")
    if not 1 <= duration_minutes <= 120:
        raise refuse("duration_minutes", _("Breakouts last from 1 to 120 minutes."))
    people = present_ids(session) or roster_ids(session)
    if len(people) < 2:
        raise refuse(None, _("Breakout rooms need at least two people in the session."), "too_few")
    try:
        request = _request_for(session, people, room_count=room_count, room_size=room_size)
        plan = matching.assign_breakouts(request, seed=session.pk, iterations=2000)
    except matching.Infeasible as exc:
        raise refuse(
            "room_count",
            _(
                "No arrangement keeps every rule (couples, do-not-pair, languages). "
                "Try other room sizes."
            ),
            "infeasible",
        ) from exc
    except ValueError as exc:
        raise refuse("room_count", str(exc).split(": ", 1)[-1], "invalid") from exc
    with transaction.atomic():
        # One round at a time: the console's actions act on "the" current
        # round, so a new plan while rooms are open would hide them.
        Session.objects.select_for_update().filter(pk=session.pk).first()
        if BreakoutRound.objects.filter(session=session, status=RoundStatus.OPEN).exists():
            raise refuse(None, _("Close the open rooms before planning new ones."), "rooms_open")
        BreakoutRound.objects.filter(session=session, status=RoundStatus.DRAFT).delete()
        breakout = BreakoutRound.objects.create(
            session=session,
            duration_minutes=duration_minutes,
            created_by=planned_by,
            explanation=_("%(new)s new pairings, %(repeats)s repeats.")
            % {"new": plan.report.new_pairs, "repeats": plan.report.repeat_pairs},
        )
        for number, room in enumerate(plan.rooms, start=1):
            created = BreakoutRoom.objects.create(round=breakout, number=number)
            created.members.set(room.people)
        record(
            actor=planned_by,
            action=AuditAction.BREAKOUTS_PLAN,
            target=breakout,
            detail={"rooms": len(plan.rooms)},
        )
    return breakout


def do_move_to_room(
    *, breakout: BreakoutRound, user_id: int, room_number: int, moved_by: User
) -> None:
    """The facilitator's adjustment of a draft. Hard rules still hold: a move
    that would put a do-not-pair pair together or split a 'together' couple
    or part an 'apart' one the wrong way is refused."""
    if breakout.status != RoundStatus.DRAFT:
        raise refuse(None, _("Rooms can only be changed before they open."), "not_draft")
    rooms = list(breakout.rooms.prefetch_related("members"))
    target = next((r for r in rooms if r.number == room_number), None)
    if target is None:
        raise refuse("room", _("There is no such room."))
    arrangement = {r.number: {m.pk for m in r.members.all()} for r in rooms}
    if not any(user_id in members for members in arrangement.values()):
        raise refuse("user", _("This person is not in this round."))
    for members in arrangement.values():
        members.discard(user_id)
    arrangement[room_number].add(user_id)
    people = sorted(uid for members in arrangement.values() for uid in members)
    request = _request_for(breakout.session, people, room_count=len(rooms), room_size=None)
    problems = [
        p
        for p in matching.find_violations(request, [frozenset(m) for m in arrangement.values()])
        if "balanced" not in p and "size" not in p
    ]
    if problems:
        raise refuse(
            "room",
            _("That move breaks a rule for this group: %(rule)s.") % {"rule": problems[0]},
            "rule",
        )
    with transaction.atomic():
        for room in rooms:
            room.members.remove(user_id)
        target.members.add(user_id)


def do_open_breakouts(*, breakout: BreakoutRound, opened_by: User) -> BreakoutRound:
    with transaction.atomic():
        locked = BreakoutRound.objects.select_for_update().get(pk=breakout.pk)
        if locked.status != RoundStatus.DRAFT:
            raise refuse(None, _("These rooms are already open or closed."), "not_draft")
        if locked.session.status != SessionStatus.SCHEDULED:
            raise refuse(None, _("The session was cancelled."), "cancelled")
        BreakoutRound.objects.filter(session=locked.session, status=RoundStatus.OPEN).update(
            status=RoundStatus.CLOSED
        )
        now = timezone.now()
        locked.status = RoundStatus.OPEN
        locked.opened_at = now
        locked.ends_at = now + timedelta(minutes=locked.duration_minutes)
        locked.save(update_fields=["status", "opened_at", "ends_at"])
        record(actor=opened_by, action=AuditAction.BREAKOUTS_OPEN, target=locked)
        _hint_round(locked)
    return locked


def do_extend_breakouts(
    *, breakout: BreakoutRound, minutes: int, extended_by: User
) -> BreakoutRound:
    if not 1 <= minutes <= MAX_EXTEND_MINUTES:
        raise refuse("minutes", _("Extend by 1 to 30 minutes."))
    with transaction.atomic():
        locked = BreakoutRound.objects.select_for_update().get(pk=breakout.pk)
        if locked.status != RoundStatus.OPEN or locked.ends_at is None:
            raise refuse(None, _("Only open rooms can be extended."), "not_open")
        locked.ends_at = max(locked.ends_at, timezone.now()) + timedelta(minutes=minutes)
        locked.save(update_fields=["ends_at"])
        _hint_round(locked)
    return locked


def do_broadcast(*, breakout: BreakoutRound, message: str, sent_by: User) -> BreakoutRound:
    message = message.strip()
    if not message:
        raise refuse("message", _("Write the message to send to every room."), "required")
    if len(message) > 300:
        raise refuse("message", _("Keep the message under 300 characters."), "too_long")
    with transaction.atomic():
        locked = BreakoutRound.objects.select_for_update().get(pk=breakout.pk)
        if locked.status != RoundStatus.OPEN:
            raise refuse(None, _("Only open rooms receive messages."), "not_open")
        locked.broadcast = message
        locked.broadcast_at = timezone.now()
        locked.save(update_fields=["broadcast", "broadcast_at"])
        _hint_round(locked)
    return locked


def do_close_breakouts(*, breakout: BreakoutRound, closed_by: User) -> None:
    with transaction.atomic():
        closed = BreakoutRound.objects.filter(pk=breakout.pk, status=RoundStatus.OPEN).update(
            status=RoundStatus.CLOSED, ends_at=timezone.now()
        )
        if not closed:
            raise refuse(None, _("The breakout rooms are not open."), "not_open")
        record(actor=closed_by, action=AuditAction.BREAKOUTS_CLOSE, target=breakout)
        _hint_round(breakout)


def do_ask_facilitator(*, room: BreakoutRoom, asked_by: User) -> None:
    """Anyone in a room can ask the facilitator to join it."""
    if room.round.status != RoundStatus.OPEN:
        raise refuse(None, _("The breakout rooms are closed."), "not_open")
    with transaction.atomic():
        BreakoutRoom.objects.filter(pk=room.pk).update(facilitator_asked_at=timezone.now())
        _hint_staff(
            room.round.session,
            "breakouts.ask",
            {"session": room.round.session_id, "room": room.number},
        )


def _hint_round(breakout: BreakoutRound) -> None:
    people = set(
        BreakoutRoom.members.through.objects.filter(breakoutroom__round=breakout).values_list(
            "user_id", flat=True
        )
    ) | _staff_ids(breakout.session)
    payload = {"session": breakout.session_id, "round": breakout.pk}
    notify_users(people, "breakouts.changed", payload)


def current_round(session: Session) -> BreakoutRound | None:
    return (
        BreakoutRound.objects.filter(
            session=session, status__in=[RoundStatus.DRAFT, RoundStatus.OPEN]
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def room_of(session: Session, user_id: int) -> BreakoutRoom | None:
    return (
        BreakoutRoom.objects.filter(
            round__session=session, round__status=RoundStatus.OPEN, members__pk=user_id
        )
        .select_related("round")
        .first()
    )


# --- sharing prompts --------------------------------------------------------------


def prompt_suggestions(
    session: Session, facilitator: User, *, wanted: frozenset[str] = frozenset()
) -> list[tuple[SharingPrompt, str]]:
    suggest = suggest_module
    program_id = session.series.group.program_id
    available = list(
        SharingPrompt.objects.filter(Q(program_id=program_id) | Q(program__isnull=True)).filter(
            Q(owner__isnull=True) | Q(owner=facilitator)
        )
    )
    used = [
        suggest.Used(prompt_id=plan.prompt_id, used_on=plan.session.starts_at.date())
        for plan in SessionPlan.objects.filter(
            session__series__group_id=session.series.group_id, prompt__isnull=False
        ).select_related("session")
        if plan.prompt_id is not None
    ]
    chosen = suggest.suggest_prompts(
        prompts=[
            suggest.Prompt(id=p.pk, tags=frozenset(p.tags), owner_id=p.owner_id) for p in available
        ],
        used=used,
        today=session.starts_at.date(),
        wanted_tags=wanted,
        facilitator_id=facilitator.pk,
        limit=5,
        seed=session.pk,
    )
    by_id = {p.pk: p for p in available}
    return [(by_id[s.prompt_id], _reason(s)) for s in chosen if s.prompt_id in by_id]


def _reason(suggestion: suggest_module.Suggestion) -> str:
    """The suggestion's reason in the facilitator's language, from its facts."""
    parts = []
    if suggestion.matched_tags:
        parts.append(_("matches: %(tags)s") % {"tags": ", ".join(sorted(suggestion.matched_tags))})
    if suggestion.days_since_used is None:
        parts.append(_("never used with this group"))
    else:
        parts.append(
            ngettext(
                "last used %(days)d day ago",
                "last used %(days)d days ago",
                suggestion.days_since_used,
            )
            % {"days": suggestion.days_since_used}
        )
    if suggestion.own:
        parts.append(_("your own prompt"))
    return "; ".join(parts)


def sync_starter_library(*, using: str = "default") -> int:
    """Adds or updates the starter library's prompts by key; never removes a
    prompt (a past session may have used it). Returns how many changed."""
    changed = 0
    for item in suggest_module.STARTER_LIBRARY:
        prompt = (
            SharingPrompt.objects.using(using).filter(key=item.key, program__isnull=True).first()
        )
        tags = sorted(item.tags)
        if prompt is None:
            SharingPrompt.objects.using(using).create(key=item.key, text=item.text, tags=tags)
            changed += 1
        elif prompt.text != item.text or prompt.tags != tags:
            prompt.text, prompt.tags = item.text, tags
            prompt.save(using=using, update_fields=["text", "tags"])
            changed += 1
    return changed


def do_choose_prompt(*, session: Session, prompt: SharingPrompt, chosen_by: User) -> SessionPlan:
    with transaction.atomic():
        plan, _created = SessionPlan.objects.get_or_create(session=session)
        plan.prompt = prompt
        plan.save(update_fields=["prompt"])
        record(actor=chosen_by, action=AuditAction.SESSION_PROMPT, target=session)
    return plan


def do_add_prompt(*, owner: User, program_id: int, text: str, tags: list[str]) -> SharingPrompt:
    text = text.strip()
    if len(text) < 10:
        raise refuse("text", _("Write the prompt as a full question or invitation."), "too_short")
    clean_tags = sorted({t.strip().lower() for t in tags if t.strip()})[:8]
    return SharingPrompt.objects.create(
        program_id=program_id, owner=owner, text=text[:500], tags=clean_tags
    )


# --- rotating co-leads -------------------------------------------------------------


def do_opt_in_co_lead(*, user: User, group_id: int, opt_in: bool) -> None:
    if opt_in:
        CoLeadOptIn.objects.get_or_create(group_id=group_id, user=user)
    else:
        CoLeadOptIn.objects.filter(group_id=group_id, user=user).delete()


def co_lead_rotation(session: Session) -> rotation.CoLeadChoice:
    """Who co-leads this session: fair rotation among opted-in active members,
    skipping absences without losing the turn (see rotation.py)."""
    group = session.series.group
    from commonroom.care.models import Enrollment

    active = set(
        Enrollment.objects.filter(program_id=group.program_id, phase=Phase.ACTIVE).values_list(
            "user_id", flat=True
        )
    ) & set(roster_ids(session))
    candidates = [
        rotation.Candidate(
            person_id=o.user_id, opted_in_at=o.opted_in_at, eligible=o.user_id in active
        )
        for o in CoLeadOptIn.objects.filter(group=group)
    ]
    history = [
        rotation.Turn(
            session_key=str(plan.session_id),
            starts_at=plan.session.starts_at,
            person_id=plan.co_lead_id,
            held=plan.co_lead_held is not False,
        )
        for plan in SessionPlan.objects.filter(
            session__series__group=group,
            co_lead__isnull=False,
            session__starts_at__lt=session.starts_at,
        ).select_related("session")
        if plan.co_lead_id is not None
    ]
    return rotation.choose_co_lead(candidates=candidates, history=history)


def do_assign_co_lead(*, session: Session) -> SessionPlan:
    """Fixes the co-lead for a session (a day ahead, so they can prepare)."""
    choice = co_lead_rotation(session)
    with transaction.atomic():
        plan, _created = SessionPlan.objects.select_for_update().get_or_create(session=session)
        if plan.co_lead_id is None and choice.person_id is not None:
            plan.co_lead_id = choice.person_id
            plan.save(update_fields=["co_lead"])
    return plan
