"""Co-lead rotation: rounds, absences that keep the turn, late joiners, fairness."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonroom.meetings.rotation import (
    Candidate,
    Reason,
    Turn,
    choose_co_lead,
    next_co_lead,
    rotation_order,
    rotation_state,
)

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
A, B, C, D, E = 1, 2, 3, 4, 5


def session_at(n: int) -> datetime:
    return T0 + timedelta(days=n)


def member(person_id: int, *, joined_day: float = -1, eligible: bool = True) -> Candidate:
    return Candidate(
        person_id=person_id, opted_in_at=T0 + timedelta(days=joined_day), eligible=eligible
    )


def held(n: int, person_id: int) -> Turn:
    return Turn(session_key=f"s{n}", starts_at=session_at(n), person_id=person_id, held=True)


def missed(n: int, person_id: int) -> Turn:
    return Turn(session_key=f"s{n}", starts_at=session_at(n), person_id=person_id, held=False)


FOUR = [member(A), member(B), member(C), member(D)]


# -- examples ---------------------------------------------------------------


def test_first_round_follows_opt_in_order_then_person_id() -> None:
    candidates = [member(C, joined_day=-2), member(B, joined_day=-3), member(A, joined_day=-2)]
    assert rotation_order(candidates=candidates, history=[]) == [B, A, C]


def test_each_round_repeats_the_order_people_led_in() -> None:
    history = [held(0, A), held(1, B), held(2, C), held(3, D)]
    assert rotation_order(candidates=FOUR, history=history) == [A, B, C, D]


def test_nobody_leads_twice_in_a_round() -> None:
    choice = choose_co_lead(candidates=FOUR, history=[held(0, A), held(1, B)])
    assert (choice.person_id, choice.reason) == (C, Reason.NEXT_IN_LINE)


def test_unavailable_person_is_passed_over_and_stays_first_in_line() -> None:
    history = [held(0, A)]
    choice = choose_co_lead(candidates=FOUR, history=history, unavailable={B})
    assert (choice.person_id, choice.reason, choice.passed_over) == (
        C,
        Reason.OTHERS_UNAVAILABLE,
        (B,),
    )
    assert next_co_lead(candidates=FOUR, history=[*history, held(1, C)]) == B


def test_no_show_keeps_their_turn_for_the_next_session() -> None:
    history = [held(0, A), missed(1, B)]
    choice = choose_co_lead(candidates=FOUR, history=history)
    assert (choice.person_id, choice.reason) == (B, Reason.KEPT_TURN)


def test_no_show_passes_the_session_to_the_next_person() -> None:
    history = [held(0, A), missed(1, B)]
    assert next_co_lead(candidates=FOUR, history=history, unavailable={B}) == C
    after = [*history, held(1, C)]
    assert rotation_order(candidates=FOUR, history=after) == [B, D, A, C]


def test_late_joiner_leads_after_those_waiting_and_before_those_who_led() -> None:
    history = [held(0, A), held(1, B)]
    candidates = [*FOUR, member(E, joined_day=1.5)]
    assert rotation_order(candidates=candidates, history=history) == [C, D, E, A, B]


def test_late_joiner_at_a_round_boundary_waits_behind_the_new_round() -> None:
    history = [held(0, A), held(1, B), held(2, C), held(3, D)]
    candidates = [*FOUR, member(E, joined_day=3.5)]
    assert rotation_order(candidates=candidates, history=history) == [A, B, C, D, E]


def test_rejoining_in_the_same_round_does_not_buy_a_second_turn() -> None:
    history = [held(0, A), held(1, B)]
    candidates = [member(A, joined_day=1.5), member(B), member(C), member(D)]
    assert rotation_order(candidates=candidates, history=history) == [C, D, B, A]


def test_rejoining_in_a_later_round_joins_the_end_of_the_waiting_line() -> None:
    history = [held(0, A), held(1, B), held(2, C), held(3, D), held(4, B)]
    candidates = [member(A, joined_day=3.5), member(B), member(C), member(D)]
    state = rotation_state(candidates=candidates, history=history)
    assert (state.waiting, state.led) == ((C, D, A), (B,))


def test_opting_out_or_leaving_the_phase_removes_from_the_line() -> None:
    candidates = [member(A), member(B, eligible=False), member(C), member(D)]
    assert rotation_order(candidates=candidates, history=[held(0, A)]) == [C, D, A]


def test_everyone_waiting_unavailable_gives_a_second_turn() -> None:
    history = [held(0, A), held(1, B)]
    choice = choose_co_lead(candidates=FOUR, history=history, unavailable={C, D})
    assert (choice.person_id, choice.reason, choice.passed_over) == (
        A,
        Reason.SECOND_TURN,
        (C, D),
    )
    # C and D keep their places; A goes to the back of those who have led.
    assert rotation_order(candidates=FOUR, history=[*history, held(2, A)]) == [C, D, B, A]


def test_rotation_order_applies_unavailability_to_the_next_session_only() -> None:
    assert rotation_order(candidates=FOUR, history=[], unavailable={A}) == [B, A, C, D]


def test_nobody_opted_in() -> None:
    choice = choose_co_lead(candidates=[member(A, eligible=False)], history=[])
    assert (choice.person_id, choice.reason) == (None, Reason.NOBODY_OPTED_IN)


def test_nobody_available() -> None:
    choice = choose_co_lead(candidates=FOUR[:2], history=[], unavailable={A, B})
    assert (choice.person_id, choice.reason, choice.passed_over) == (
        None,
        Reason.NOBODY_AVAILABLE,
        (A, B),
    )
    assert rotation_order(candidates=FOUR[:2], history=[], unavailable={A, B}) == [A, B]


def test_turns_of_people_no_longer_in_line_are_ignored() -> None:
    history = [held(0, E), held(1, A)]
    assert rotation_order(candidates=FOUR, history=history) == [B, C, D, A]


def test_duplicate_candidates_are_refused() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        rotation_state(candidates=[member(A), member(A)], history=[])


def test_input_order_does_not_matter() -> None:
    history = [held(0, A), missed(1, B), held(1, C), held(2, B), held(3, D)]
    candidates = [*FOUR, member(E, joined_day=1.5)]
    expected = rotation_order(candidates=candidates, history=history)
    shuffler = random.Random(7)
    for _ in range(20):
        shuffled_c, shuffled_h = candidates[:], history[:]
        shuffler.shuffle(shuffled_c)
        shuffler.shuffle(shuffled_h)
        assert rotation_order(candidates=shuffled_c, history=shuffled_h) == expected


# -- simulation ---------------------------------------------------------------

PEOPLE = range(6)


@dataclass(frozen=True)
class Step:
    toggles: frozenset[int]  # eligibility flips before the session (opt in/out)
    unavailable: frozenset[int]  # known in advance to be absent or excused
    no_show: bool  # the assigned co-lead does not turn up


@dataclass
class Log:
    """What the simulation saw at one session."""

    since: dict[int, datetime]  # present members and the start of their stretch
    queue: tuple[int, ...]  # the line before the session
    waiting: tuple[int, ...]
    led: tuple[int, ...]
    unavailable: frozenset[int]  # known absences plus a no-show
    holder: int | None
    turns: list[Turn] = field(default_factory=list)


people = st.frozensets(st.sampled_from(PEOPLE), max_size=3)
steps = st.builds(
    Step,
    toggles=st.frozensets(st.sampled_from(PEOPLE), max_size=2),
    unavailable=people,
    no_show=st.booleans(),
)


def simulate(initial: frozenset[int], plan: list[Step]) -> list[Log]:
    since = {person: T0 - timedelta(days=1) for person in initial}
    history: list[Turn] = []
    logs: list[Log] = []
    for n, step in enumerate(plan):
        for person in sorted(step.toggles):
            if person in since:
                del since[person]
            else:
                since[person] = session_at(n) - timedelta(hours=6)
        candidates = [
            Candidate(person, since.get(person, T0), person in since) for person in PEOPLE
        ]
        state = rotation_state(candidates=candidates, history=history)
        log = Log(
            since=dict(since),
            queue=state.queue,
            waiting=state.waiting,
            led=state.led,
            unavailable=step.unavailable,
            holder=None,
        )
        chosen = next_co_lead(candidates=candidates, history=history, unavailable=step.unavailable)
        if chosen is not None and step.no_show:
            log.turns.append(Turn(f"s{n}", session_at(n), chosen, held=False))
            log.unavailable = step.unavailable | {chosen}
            chosen = next_co_lead(
                candidates=candidates, history=history + log.turns, unavailable=log.unavailable
            )
        if chosen is not None:
            log.turns.append(Turn(f"s{n}", session_at(n), chosen, held=True))
            log.holder = chosen
        history += log.turns
        logs.append(log)
    return logs


SIMULATION = settings(max_examples=100, deadline=None)
plans = st.lists(steps, min_size=1, max_size=40)


@SIMULATION
@given(initial=people, plan=plans)
def test_between_two_turns_of_one_person_every_steady_member_led_or_was_away(
    initial: frozenset[int], plan: list[Step]
) -> None:
    logs = simulate(initial, plan)
    last_held: dict[int, int] = {}
    for j, log in enumerate(logs):
        person = log.holder
        if person is None:
            continue
        i = last_held.get(person)
        last_held[person] = j
        if i is None:
            continue
        for other, stretch_start in log.since.items():
            if other == person or stretch_start > session_at(i):
                continue  # not a member throughout
            led_between = any(logs[k].holder == other for k in range(i + 1, j))
            assert led_between or other in log.unavailable, (other, person, i, j)


@SIMULATION
@given(initial=people, plan=plans)
def test_someone_passed_over_is_still_first_in_line_next_session(
    initial: frozenset[int], plan: list[Step]
) -> None:
    logs = simulate(initial, plan)
    for before, after in itertools.pairwise(logs):
        if not before.queue or before.queue[0] not in before.unavailable:
            continue
        # Rounds are rebuilt without people who leave (see the module), so the
        # promise is checked across sessions where nobody left.
        if any(after.since.get(p) != at for p, at in before.since.items()):
            continue
        assert after.queue[0] == before.queue[0]


@SIMULATION
@given(initial=people, plan=plans)
def test_newcomers_join_the_end_of_the_waiting_line(
    initial: frozenset[int], plan: list[Step]
) -> None:
    logs = simulate(initial, plan)
    for n, (before, after) in enumerate(itertools.pairwise(logs)):
        if any(after.since.get(p) != at for p, at in before.since.items()):
            continue  # somebody left: rounds are rebuilt (see the module)
        joiners = sorted(p for p in after.since if p not in before.since)
        ever_led = {t.person_id for log in logs[: n + 1] for t in log.turns if t.held}
        if ever_led & set(joiners):
            continue  # a rejoiner's place depends on the round; see the examples
        # The session between the two snapshots, by the documented rule.
        waiting, led = list(before.waiting), list(before.led)
        for turn in before.turns:
            if turn.held:
                (waiting if turn.person_id in waiting else led).remove(turn.person_id)
                led.append(turn.person_id)
                if not waiting:
                    waiting, led = led, []
        waiting += joiners  # after everyone waiting, before everyone who led
        if led and not waiting:
            waiting, led = led, []
        assert (after.waiting, after.led) == (tuple(waiting), tuple(led))


@SIMULATION
@given(initial=people, plan=plans, seed=st.integers(0, 2**16))
def test_the_choice_is_a_function_of_the_inputs_not_their_order(
    initial: frozenset[int], plan: list[Step], seed: int
) -> None:
    logs = simulate(initial, plan)
    history = [turn for log in logs for turn in log.turns]
    since = logs[-1].since
    candidates = [Candidate(p, since.get(p, T0), p in since) for p in PEOPLE]
    expected = rotation_order(candidates=candidates, history=history, unavailable={0})
    shuffler = random.Random(seed)
    shuffler.shuffle(candidates)
    shuffler.shuffle(history)
    assert rotation_order(candidates=candidates, history=history, unavailable={0}) == expected
