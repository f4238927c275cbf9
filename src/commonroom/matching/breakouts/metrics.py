"""Checks of a finished round, independent of how it was found: the tests'
oracle, the benchmark's scorer, and a guard before a plan is returned."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import combinations

from .model import BreakoutRequest, Rooms


def room_pairs(rooms: Rooms) -> set[frozenset[int]]:
    return {frozenset(pair) for room in rooms for pair in combinations(sorted(room), 2)}


def count_repeat_pairs(
    rooms: Rooms,
    history: Sequence[Rooms],
    *,
    within: int | None = None,
    ignore: Collection[frozenset[int]] = frozenset(),
) -> int:
    """Pairs in `rooms` who shared a room in `history` (only its last
    `within` rounds when given), not counting pairs in `ignore`."""
    earlier = history if within is None else history[len(history) - within :]
    seen: set[frozenset[int]] = set()
    for past in earlier:
        seen |= room_pairs(past)
    return sum(1 for pair in room_pairs(rooms) if pair in seen and pair not in ignore)


def forced_pairs(request: BreakoutRequest) -> frozenset[frozenset[int]]:
    """Pairs every valid round puts together: members of chained "together" couples."""
    parent = {p.id: p.id for p in request.people}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for couple in request.couples:
        if couple.policy == "together":
            parent[root(couple.a)] = root(couple.b)
    groups: dict[int, list[int]] = {}
    for pid in parent:
        groups.setdefault(root(pid), []).append(pid)
    return frozenset(
        frozenset(pair) for group in groups.values() for pair in combinations(group, 2)
    )


def find_violations(request: BreakoutRequest, rooms: Rooms) -> tuple[str, ...]:
    """Every hard constraint `rooms` breaks, in words; empty when valid."""
    problems: list[str] = []
    ids = [p.id for p in request.people]
    placed = [pid for room in rooms for pid in room]
    if sorted(placed) != sorted(ids):
        missing = sorted(set(ids) - set(placed))
        extra = sorted(set(placed) - set(ids))
        twice = sorted({pid for pid in placed if placed.count(pid) > 1})
        problems.append(f"placement: missing {missing}, unknown {extra}, twice {twice}")
    if len(rooms) != request.resolved_room_count:
        problems.append(f"room count {len(rooms)} != {request.resolved_room_count}")
    sizes = [len(room) for room in rooms]
    if sizes and max(sizes) - min(sizes) > 1:
        problems.append(f"unbalanced rooms: sizes {sorted(sizes)}")
    room_of = {pid: r for r, room in enumerate(rooms) for pid in room}
    for couple in request.couples:
        together = room_of.get(couple.a) == room_of.get(couple.b)
        if together != (couple.policy == "together"):
            problems.append(f"couple {couple.a} & {couple.b} not {couple.policy}")
    for pair in request.do_not_pair:
        a, b = sorted(pair)
        if room_of.get(a) == room_of.get(b):
            problems.append(f"do-not-pair {a} & {b} share room {room_of.get(a)}")
    by_id = {p.id: p for p in request.people}
    for person in request.people:
        for lang in sorted(person.language_needs):
            room = next((r for r in rooms if person.id in r), frozenset())
            if not any(by_id[o].speaks(lang) for o in room if o != person.id and o in by_id):
                problems.append(f"person {person.id} has no other {lang!r} speaker")
    return tuple(problems)
