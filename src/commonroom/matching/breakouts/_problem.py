"""A request turned into arrays: people by index, "together" couples merged
into units that always move as one, and the cost of every pair of units."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from .model import BreakoutRequest, Infeasible

type FloatArray = npt.NDArray[np.float64]
type IntArray = npt.NDArray[np.int64]
type BoolArray = npt.NDArray[np.bool_]

ConstraintKind = Literal["together", "apart", "do-not-pair", "language"]


@dataclass(frozen=True)
class Constraint:
    """One hard constraint, on person indices (not ids)."""

    kind: ConstraintKind
    a: int
    b: int = -1
    language: str = ""

    def describe(self, ids: Sequence[int]) -> str:
        if self.kind == "language":
            return f"person {ids[self.a]} needs another {self.language!r} speaker in their room"
        if self.kind == "do-not-pair":
            return f"do-not-pair {ids[self.a]} & {ids[self.b]}"
        return f"couple {ids[self.a]} & {ids[self.b]} {self.kind}"


@dataclass(frozen=True)
class Shape:
    room_count: int
    small: int  # the smaller room size
    big_rooms: int  # how many rooms hold small + 1

    @property
    def largest(self) -> int:
        return self.small + (1 if self.big_rooms else 0)

    def describe(self) -> str:
        if self.big_rooms:
            return f"{self.room_count} rooms of {self.small}-{self.small + 1}"
        return f"{self.room_count} rooms of {self.small}"


@dataclass(frozen=True)
class Problem:
    ids: tuple[int, ...]
    shape: Shape
    constraints: tuple[Constraint, ...]
    weights: FloatArray  # person x person recency-weighted repeat cost; forced pairs 0
    met: BoolArray  # person x person: shared a room in an earlier round
    units: tuple[tuple[int, ...], ...]
    unit_size: IntArray
    # unit x unit: repeat cost plus `penalty` per conflicting (apart or
    # do-not-pair) person pair across the two units; diagonal 0.
    unit_weights: FloatArray
    languages: tuple[str, ...]  # languages someone needs
    speaks: IntArray  # language x person, 0/1 (needing counts as speaking)
    needs: IntArray  # language x person, 0/1
    unit_speakers: IntArray  # language x unit counts
    unit_needers: IntArray  # language x unit counts
    # One broken hard constraint outweighs every possible repeat.
    penalty: float

    @property
    def n(self) -> int:
        return len(self.ids)


def shape_of(person_count: int, room_count: int) -> Shape:
    return Shape(room_count, person_count // room_count, person_count % room_count)


def build_problem(request: BreakoutRequest) -> Problem:
    """Raises `Infeasible` for conflicts visible without search."""
    ids = tuple(person.id for person in request.people)
    index = {pid: i for i, pid in enumerate(ids)}
    n = len(ids)
    shape = shape_of(n, request.resolved_room_count)
    constraints = _constraints(request, index)

    met = np.zeros((n, n), dtype=np.bool_)
    weights = np.zeros((n, n), dtype=np.float64)
    for age, past in enumerate(reversed(request.history), start=1):
        per_meeting = 1.0 + 0.5 ** ((age - 1) / request.recency_half_life)
        for room in past:
            members = np.array(sorted(index[pid] for pid in room if pid in index), dtype=np.int64)
            if len(members) > 1:
                block = np.ix_(members, members)
                weights[block] += per_meeting
                met[block] = True
    np.fill_diagonal(weights, 0.0)
    np.fill_diagonal(met, False)

    units = _units(n, constraints, ids, shape)
    unit_of = np.empty(n, dtype=np.int64)
    for u, unit_members in enumerate(units):
        unit_of[list(unit_members)] = u
    same_unit = unit_of[:, None] == unit_of[None, :]
    # Forced pairs meet every round whatever we do: they carry no cost.
    weights[same_unit] = 0.0

    penalty = 1.0 + float(weights.sum())
    conflict = np.zeros((n, n), dtype=np.float64)
    for c in constraints:
        if c.kind in ("apart", "do-not-pair"):
            conflict[c.a, c.b] = conflict[c.b, c.a] = 1.0
    membership = np.zeros((n, len(units)), dtype=np.float64)
    membership[np.arange(n), unit_of] = 1.0
    unit_weights = membership.T @ (weights + penalty * conflict) @ membership
    np.fill_diagonal(unit_weights, 0.0)

    languages = tuple(sorted({lang for p in request.people for lang in p.language_needs}))
    speaks = np.array(
        [[int(p.speaks(lang)) for p in request.people] for lang in languages], dtype=np.int64
    ).reshape(len(languages), n)
    needs = np.array(
        [[int(lang in p.language_needs) for p in request.people] for lang in languages],
        dtype=np.int64,
    ).reshape(len(languages), n)
    as_int = membership.astype(np.int64)
    return Problem(
        ids=ids,
        shape=shape,
        constraints=constraints,
        weights=weights,
        met=met,
        units=units,
        unit_size=np.array([len(u) for u in units], dtype=np.int64),
        unit_weights=unit_weights,
        languages=languages,
        speaks=speaks,
        needs=needs,
        unit_speakers=speaks @ as_int,
        unit_needers=needs @ as_int,
        penalty=penalty,
    )


def _constraints(request: BreakoutRequest, index: dict[int, int]) -> tuple[Constraint, ...]:
    found: list[Constraint] = []
    for couple in request.couples:
        a, b = sorted((index[couple.a], index[couple.b]))
        found.append(Constraint(couple.policy, a, b))
    for pair in sorted(request.do_not_pair, key=sorted):
        a, b = sorted(index[pid] for pid in pair)
        found.append(Constraint("do-not-pair", a, b))
    for person in request.people:
        for lang in sorted(person.language_needs):
            others = [p for p in request.people if p.id != person.id and p.speaks(lang)]
            need = Constraint("language", index[person.id], language=lang)
            if not others:
                named = need.describe([p.id for p in request.people])
                raise Infeasible(
                    f"{named}, and no one else here speaks {lang!r}",
                    constraints=(named,),
                    proven=True,
                )
            found.append(need)
    return tuple(dict.fromkeys(found))


def _units(
    n: int, constraints: Sequence[Constraint], ids: Sequence[int], shape: Shape
) -> tuple[tuple[int, ...], ...]:
    """Merge "together" couples (chains too) and refuse units that break
    another constraint by their mere existence."""
    together: dict[int, list[tuple[int, Constraint]]] = {i: [] for i in range(n)}
    for c in constraints:
        if c.kind == "together":
            together[c.a].append((c.b, c))
            together[c.b].append((c.a, c))
    unit_of = [-1] * n
    units: list[tuple[int, ...]] = []
    for start in range(n):
        if unit_of[start] >= 0:
            continue
        members = []
        queue = deque([start])
        unit_of[start] = len(units)
        while queue:
            i = queue.popleft()
            members.append(i)
            for j, _ in together[i]:
                if unit_of[j] < 0:
                    unit_of[j] = len(units)
                    queue.append(j)
        units.append(tuple(sorted(members)))

    for unit in units:
        if len(unit) > shape.largest:
            named = tuple(
                c.describe(ids) for c in constraints if c.kind == "together" and c.a in unit
            )
            raise Infeasible(
                f"{len(unit)} people must share one room ({'; '.join(named)}) "
                f"but the request has {shape.describe()}",
                constraints=named,
                proven=True,
            )
    for c in constraints:
        if c.kind in ("apart", "do-not-pair") and unit_of[c.a] == unit_of[c.b]:
            chain = _together_path(c.a, c.b, together)
            named = (*(link.describe(ids) for link in chain), c.describe(ids))
            raise Infeasible(
                f"{c.describe(ids)} conflicts with {'; '.join(named[:-1])}",
                constraints=named,
                proven=True,
            )
    return tuple(units)


def _together_path(
    a: int, b: int, together: dict[int, list[tuple[int, Constraint]]]
) -> list[Constraint]:
    """The "together" couples that chain a to b, for naming a conflict."""
    came_from: dict[int, tuple[int, Constraint] | None] = {a: None}
    queue = deque([a])
    while queue:
        i = queue.popleft()
        for j, c in together[i]:
            if j not in came_from:
                came_from[j] = (i, c)
                queue.append(j)
    path: list[Constraint] = []
    step = came_from.get(b)
    while step is not None:
        path.append(step[1])
        step = came_from[step[0]]
    return path[::-1]
