"""The values that go in and come out of breakout-room assignment."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

CouplePolicy = Literal["together", "apart"]

# One round of breakouts: each room is the set of person ids in it.
type Rooms = Sequence[frozenset[int]]


@dataclass(frozen=True)
class Person:
    """Someone to place. `language_needs` are languages they must be able to
    use in their room (e.g. Spanish-only); `languages` are others they speak.

    The language rule: a person who needs language L shares their room with
    at least one *other* person who speaks L, where anyone who needs L also
    counts as speaking it. Two Spanish-only people in one room satisfy each
    other; one Spanish-only person with English-only people does not.
    """

    id: int
    languages: frozenset[str] = frozenset()
    language_needs: frozenset[str] = frozenset()

    def speaks(self, language: str) -> bool:
        return language in self.languages or language in self.language_needs


@dataclass(frozen=True)
class Couple:
    a: int
    b: int
    policy: CouplePolicy


@dataclass(frozen=True, kw_only=True)
class BreakoutRequest:
    """A facilitator's request: exactly one of `room_count` and `room_size`.

    `room_size=k` means "rooms of at most k": ceil(n / k) rooms. Rooms are
    always balanced: sizes differ by at most one. `history` lists earlier
    rounds of this group, oldest first; ids of people not present now are
    ignored. A pair that shared a room costs, per earlier meeting,
    1 + 0.5 ** ((age - 1) / recency_half_life), age 1 being the latest round:
    never-met pairs are free, often-met and recently-met pairs dearest.
    """

    people: Sequence[Person]
    room_count: int | None = None
    room_size: int | None = None
    couples: Sequence[Couple] = ()
    do_not_pair: frozenset[frozenset[int]] = frozenset()
    history: Sequence[Rooms] = ()
    recency_half_life: float = 1.0

    def __post_init__(self) -> None:
        ids = [person.id for person in self.people]
        if not ids:
            raise ValueError("people: at least one person is needed")
        if len(set(ids)) != len(ids):
            raise ValueError("people: a person id appears more than once")
        if (self.room_count is None) == (self.room_size is None):
            raise ValueError("room_count: give exactly one of room_count and room_size")
        if self.room_count is not None and not 1 <= self.room_count <= len(ids):
            raise ValueError(f"room_count: must be between 1 and {len(ids)} (one per person)")
        if self.room_size is not None and self.room_size < 1:
            raise ValueError("room_size: must be at least 1")
        known = set(ids)
        for couple in self.couples:
            if couple.policy not in ("together", "apart"):
                raise ValueError(f"couples: unknown policy {couple.policy!r}")
            if couple.a == couple.b or not {couple.a, couple.b} <= known:
                raise ValueError(f"couples: {couple.a} & {couple.b} are not two people here")
        for pair in self.do_not_pair:
            if len(pair) != 2 or not pair <= known:
                raise ValueError(f"do_not_pair: {sorted(pair)} is not two people here")
        if not self.recency_half_life > 0:
            raise ValueError("recency_half_life: must be positive")

    @property
    def resolved_room_count(self) -> int:
        if self.room_count is not None:
            return self.room_count
        assert self.room_size is not None
        return math.ceil(len(self.people) / self.room_size)


@dataclass(frozen=True)
class Room:
    index: int
    people: tuple[int, ...]
    # Pairs in this room who shared a room in an earlier round.
    repeat_pairs: tuple[tuple[int, int], ...]
    # For the facilitator: size, repeats, and which constraints shaped the room.
    explanation: str


@dataclass(frozen=True)
class PlanReport:
    # Pairs placed together who met before; pairs the request forces
    # together ("together" couples) are never counted.
    repeat_pairs: int
    new_pairs: int
    # The optimised objective: recency-weighted repeats (see BreakoutRequest).
    repeat_cost: float
    # Broken hard constraints: always 0 in a returned plan (else `Infeasible`).
    violations: int
    iterations: int
    seed: int


@dataclass(frozen=True)
class BreakoutPlan:
    rooms: tuple[Room, ...]
    report: PlanReport

    def as_round(self) -> tuple[frozenset[int], ...]:
        """This plan as a history entry for the next request."""
        return tuple(frozenset(room.people) for room in self.rooms)


class Infeasible(Exception):
    """The hard constraints cannot all be met.

    `constraints` names the conflicting ones. `proven` is True when no
    assignment exists (shown by construction or exhaustive search); False when
    the search ran out of budget, in which case `constraints` are those the
    best attempt still broke.
    """

    def __init__(self, message: str, *, constraints: tuple[str, ...], proven: bool) -> None:
        super().__init__(message)
        self.constraints = constraints
        self.proven = proven
