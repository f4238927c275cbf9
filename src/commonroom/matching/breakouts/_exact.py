"""Exact feasibility by backtracking, for when the tabu search finds no
assignment that meets every hard constraint: either it finds one (to start the
search again from), or it proves there is none and a deletion filter narrows
the constraints down to a small conflicting set to name to the facilitator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from ._problem import Constraint, IntArray, Problem, Shape

Unknown = Literal["unknown"]


class _OutOfNodes(Exception):
    pass


def find_assignment(
    problem: Problem, constraints: Sequence[Constraint], *, node_limit: int
) -> list[int] | Unknown | None:
    """A person -> room list meeting `constraints` and the room sizes, None
    when none exists, "unknown" when the node budget ran out first."""
    try:
        return _Backtrack(problem, constraints, node_limit).run()
    except _OutOfNodes:
        return "unknown"


class _Backtrack:
    def __init__(self, problem: Problem, constraints: Sequence[Constraint], node_limit: int):
        n = problem.n
        self.shape: Shape = problem.shape
        self.nodes_left = node_limit
        parent = list(range(n))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for c in constraints:
            if c.kind == "together":
                parent[root(c.a)] = root(c.b)
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(root(i), []).append(i)
        self.units = list(groups.values())
        unit_of = [0] * n
        for u, members in enumerate(self.units):
            for i in members:
                unit_of[i] = u
        self.unit_of = unit_of
        self.conflicts: list[set[int]] = [set() for _ in self.units]
        self.impossible = False
        for c in constraints:
            if c.kind in ("apart", "do-not-pair"):
                ua, ub = unit_of[c.a], unit_of[c.b]
                if ua == ub:
                    self.impossible = True
                self.conflicts[ua].add(ub)
                self.conflicts[ub].add(ua)
        # (needer's unit, language row) for each language constraint.
        self.needs = [
            (unit_of[c.a], problem.languages.index(c.language))
            for c in constraints
            if c.kind == "language"
        ]
        unit_speakers: IntArray = problem.speaks @ self._membership(n)
        self.unit_speakers = unit_speakers
        self.order = sorted(
            range(len(self.units)),
            key=lambda u: (-len(self.units[u]), -len(self.conflicts[u]), u),
        )
        rooms = self.shape.room_count
        self.room_of = [-1] * len(self.units)
        self.room_size = [0] * rooms
        self.room_units: list[list[int]] = [[] for _ in range(rooms)]
        self.room_speakers = np.zeros((len(problem.languages), rooms), dtype=np.int64)
        self.big_used = 0

    def _membership(self, n: int) -> IntArray:
        m = np.zeros((n, len(self.units)), dtype=np.int64)
        for u, members in enumerate(self.units):
            m[members, u] = 1
        return m

    def run(self) -> list[int] | None:
        if self.impossible or any(len(u) > self.shape.largest for u in self.units):
            return None
        if not self._place(0):
            return None
        return [self.room_of[self.unit_of[i]] for i in range(len(self.unit_of))]

    def _closed(self, room: int) -> bool:
        size = self.room_size[room]
        small = self.shape.small
        return size == small + 1 or (size == small and self.big_used == self.shape.big_rooms)

    def _language_ok(self, final: bool) -> bool:
        for unit, lang in self.needs:
            room = self.room_of[unit]
            if room < 0:
                continue
            if (final or self._closed(room)) and self.room_speakers[lang, room] < 2:
                return False
        return True

    def _place(self, depth: int) -> bool:
        if depth == len(self.order):
            return self._language_ok(final=True)
        self.nodes_left -= 1
        if self.nodes_left < 0:
            raise _OutOfNodes
        unit = self.order[depth]
        width = len(self.units[unit])
        small = self.shape.small
        seen_empty = False
        for room in range(self.shape.room_count):
            size = self.room_size[room]
            if size == 0:
                # Empty rooms are interchangeable: trying one is trying all.
                if seen_empty:
                    continue
                seen_empty = True
            grown = size + width
            big = grown == small + 1
            if grown > small + 1 or (big and self.big_used >= self.shape.big_rooms):
                continue
            if any(other in self.conflicts[unit] for other in self.room_units[room]):
                continue
            self.room_of[unit] = room
            self.room_size[room] = grown
            self.room_units[room].append(unit)
            self.room_speakers[:, room] += self.unit_speakers[:, unit]
            self.big_used += big
            if self._language_ok(final=False) and self._place(depth + 1):
                return True
            self.big_used -= big
            self.room_speakers[:, room] -= self.unit_speakers[:, unit]
            self.room_units[room].pop()
            self.room_size[room] = size
            self.room_of[unit] = -1
        return False


def conflicting_core(
    problem: Problem, *, node_limit: int, max_constraints: int = 60
) -> tuple[Constraint, ...] | None:
    """A set of constraints that together admit no assignment, shrunk by a
    deletion filter; None when infeasibility cannot be shown in budget.

    A constraint is dropped only when the rest is *proven* infeasible, so the
    answer is always a genuinely conflicting set (minimal unless a check ran
    out of budget)."""
    core = list(problem.constraints)
    if find_assignment(problem, core, node_limit=node_limit) is not None:
        return None
    if len(core) > max_constraints:
        return tuple(core)
    for c in list(core):
        rest = [other for other in core if other != c]
        if find_assignment(problem, rest, node_limit=node_limit) is None:
            core = rest
    return tuple(core)
