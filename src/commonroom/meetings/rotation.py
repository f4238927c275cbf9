"""Fair rotating co-leads for a therapy group's live sessions.

Participants in the active phase may opt in to co-lead sessions of their group.
This module decides who co-leads next. It is a pure function of the present
members and the history of turns: no queue is stored, so nothing can drift out
of step with the attendance record, and the same inputs give the same answer.

The rotation is replayed in time order with these rules.

* **Rounds.** A round is a pass in which every member leads once. The queue is
  the round's *waiting* members, in line, followed by the members who have
  already *led* in it, in the order they led. When nobody is left waiting, the
  round ends and the led members, in that order, wait for the next round.
* **Choice.** A session's co-lead is the first person in the queue who is not
  unavailable for it. Somebody leads a second time in a round only when
  everyone still waiting is unavailable for that session.
* **Absences keep the turn.** A held turn moves the person to the end of the
  led part. A missed turn (assigned but absent, ``held=False``) changes
  nothing, and an unavailable person is simply passed over, so either way they
  are still first in line for the following session. When an assigned person
  does not show, the caller asks again with them in ``unavailable`` and the
  turn passes to the next person for that session.
* **Late joiners.** Someone who opts in (or enters the active phase while opted
  in) joins the *end of the waiting part* at that moment: after everyone still
  waiting in this round, before everyone who has already led in it. So they
  lead within the current round, never a whole round later, and never ahead of
  someone already waiting. The exception stops gaming: someone who opts back
  in during a round in which they already led joins the end of the led part.
* **Leaving.** Opting out or leaving the active phase removes the person. The
  inputs only describe present members, so the rounds are rebuilt as though a
  departed person had never been in the rotation. Rarely (the departed person
  was the last one waiting in a round) this moves someone by a place; the
  fairness guarantee below is about present members and holds regardless.

Guarantee: between two turns held by the same person, everyone who was a member
throughout held a turn, or was unavailable for the session of the second turn.

Repeated no-shows are not ruled on here: whether someone who keeps missing
their turn should be paused is a clinical call, made by the caller passing them
in ``unavailable`` (or by the facilitator opting them out).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Candidate:
    """A group member who might co-lead.

    ``opted_in_at`` is when their current uninterrupted eligibility began: the
    later of opting in and entering the active phase. ``eligible`` is false for
    people who opted out or are not in the active phase.
    """

    person_id: int
    opted_in_at: datetime
    eligible: bool


@dataclass(frozen=True, slots=True)
class Turn:
    """Somebody was assigned to co-lead a session; ``held`` is false if they were absent."""

    session_key: str
    starts_at: datetime
    person_id: int
    held: bool


class Reason(StrEnum):
    NEXT_IN_LINE = "next_in_line"
    # First in line again because they missed the session they were assigned.
    KEPT_TURN = "kept_turn"
    # Somebody ahead of them in line is unavailable for this session.
    OTHERS_UNAVAILABLE = "others_unavailable"
    # Everyone still waiting in this round is unavailable, so someone who has
    # already led in it leads again.
    SECOND_TURN = "second_turn"
    NOBODY_OPTED_IN = "nobody_opted_in"
    NOBODY_AVAILABLE = "nobody_available"


@dataclass(frozen=True, slots=True)
class Rotation:
    """The queue before the next session."""

    waiting: tuple[int, ...]  # not yet led this round, in line
    led: tuple[int, ...]  # led this round, in the order they led
    missed: frozenset[int]  # missed an assigned session since they last held one

    @property
    def queue(self) -> tuple[int, ...]:
        return self.waiting + self.led


@dataclass(frozen=True, slots=True)
class CoLeadChoice:
    person_id: int | None
    reason: Reason
    passed_over: tuple[int, ...]  # ahead in line but unavailable


# Joins sort before turns at the same instant: whoever is eligible when a
# session starts is in line for it.
_JOIN, _TURN = 0, 1


def rotation_state(*, candidates: Sequence[Candidate], history: Sequence[Turn]) -> Rotation:
    """Replay joins and turns in time order into the current queue."""
    since: dict[int, datetime] = {}
    for candidate in candidates:
        if candidate.person_id in since:
            raise ValueError(f"candidate {candidate.person_id} appears twice")
        if candidate.eligible:
            since[candidate.person_id] = candidate.opted_in_at
    # A total order on the events (session key, then missed before held, then
    # person) makes the result independent of the order of the inputs.
    events = sorted(
        [(at, _JOIN, "", False, person) for person, at in since.items()]
        + [(t.starts_at, _TURN, t.session_key, t.held, t.person_id) for t in history]
    )

    waiting: list[int] = []
    led: list[int] = []
    joined: set[int] = set()
    missed: set[int] = set()
    round_no = 0
    last_led_round: dict[int, int] = {}
    for _at, kind, _session, held, person in events:
        if kind == _JOIN:
            joined.add(person)
            back_in_same_round = last_led_round.get(person) == round_no
            (led if back_in_same_round else waiting).append(person)
        elif person in joined:
            if held:
                (waiting if person in waiting else led).remove(person)
                led.append(person)
                missed.discard(person)
            else:
                missed.add(person)
        if kind == _TURN and held:
            # Recorded for non-members too: a rejoiner's last turn decides
            # where they rejoin.
            last_led_round[person] = round_no
        if led and not waiting:
            waiting, led = led, []
            round_no += 1
    return Rotation(waiting=tuple(waiting), led=tuple(led), missed=frozenset(missed))


def choose_co_lead(
    *,
    candidates: Sequence[Candidate],
    history: Sequence[Turn],
    unavailable: Collection[int] = frozenset(),
) -> CoLeadChoice:
    """Who co-leads the next session, and why."""
    return _choose(rotation_state(candidates=candidates, history=history), unavailable)


def next_co_lead(
    *,
    candidates: Sequence[Candidate],
    history: Sequence[Turn],
    unavailable: Collection[int] = frozenset(),
) -> int | None:
    return choose_co_lead(candidates=candidates, history=history, unavailable=unavailable).person_id


def rotation_order(
    *,
    candidates: Sequence[Candidate],
    history: Sequence[Turn],
    unavailable: Collection[int] = frozenset(),
) -> list[int]:
    """Everyone in line, in the order they would next lead if they all attend
    after the next session: index ``i`` leads in ``i + 1`` sessions.
    ``unavailable`` applies to the next session only."""
    state = rotation_state(candidates=candidates, history=history)
    choice = _choose(state, unavailable)
    chosen = choice.person_id
    if chosen is None:
        return list(state.queue)
    after = _after_turn(state, chosen)
    return [chosen, *(person for person in after.queue if person != chosen)]


def _choose(state: Rotation, unavailable: Collection[int]) -> CoLeadChoice:
    if not state.queue:
        return CoLeadChoice(person_id=None, reason=Reason.NOBODY_OPTED_IN, passed_over=())
    passed_over: list[int] = []
    for person in state.queue:
        if person in unavailable:
            passed_over.append(person)
            continue
        if person in state.led:
            reason = Reason.SECOND_TURN
        elif passed_over:
            reason = Reason.OTHERS_UNAVAILABLE
        elif person in state.missed:
            reason = Reason.KEPT_TURN
        else:
            reason = Reason.NEXT_IN_LINE
        return CoLeadChoice(person_id=person, reason=reason, passed_over=tuple(passed_over))
    return CoLeadChoice(
        person_id=None, reason=Reason.NOBODY_AVAILABLE, passed_over=tuple(passed_over)
    )


def _after_turn(state: Rotation, person: int) -> Rotation:
    """The queue after ``person`` holds a turn (the replay's rule, once)."""
    waiting = [p for p in state.waiting if p != person]
    led = [p for p in state.led if p != person] + [person]
    if not waiting:
        waiting, led = led, []
    return Rotation(waiting=tuple(waiting), led=tuple(led), missed=state.missed - {person})
