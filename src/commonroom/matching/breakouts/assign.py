"""The entry points: one round (`assign_breakouts`) and many (`plan_rounds`)."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import numpy as np

from ._designs import affine_rounds
from ._exact import conflicting_core, find_assignment
from ._problem import Constraint, IntArray, Problem, build_problem
from ._search import State, greedy, improve
from .metrics import find_violations
from .model import BreakoutPlan, BreakoutRequest, Infeasible, PlanReport, Room, Rooms

# Backtracking budget when the search finds no valid assignment: enough to
# settle group-therapy sizes (tens of people) quickly, bounded for the rest.
_NODE_LIMIT = 20_000
_GREEDY_TRIES = 8


def assign_breakouts(
    request: BreakoutRequest, *, seed: int, iterations: int = 2_000
) -> BreakoutPlan:
    """Rooms for one round with as few (recency-weighted) repeat pairs as the
    search finds in at most `iterations` tabu steps, meeting every hard constraint.

    Deterministic for a given request, seed and iteration budget. Raises
    `Infeasible` naming the conflicting constraints when none can be met.
    """
    if iterations < 0:
        raise ValueError("iterations: must be at least 0")
    problem = build_problem(request)
    rng = np.random.default_rng(seed)
    start = None
    for _ in range(_GREEDY_TRIES):
        start = greedy(problem, rng)
        if start is not None:
            break
    if start is None:
        start = _exact_start(problem)
    outcome = improve(problem, start, rng=rng, iterations=iterations)
    room_of, used = outcome.room_of, outcome.iterations
    if outcome.cost >= problem.penalty:
        # The tabu search left a hard constraint broken: settle it exactly.
        exact = _exact_start(problem)
        again = improve(problem, exact, rng=rng, iterations=iterations)
        room_of, used = again.room_of, used + again.iterations
    return _plan(request, problem, room_of, seed=seed, iterations=used)


def plan_rounds(
    request: BreakoutRequest, *, rounds: int, seed: int, iterations: int = 2_000
) -> list[BreakoutPlan]:
    """`rounds` consecutive rounds, each planned with the earlier ones (and
    `request.history`) as its history.

    When the group has no history and a finite-geometry schedule fits its
    shape (q rooms of k <= q people, q a prime power), its zero-repeat rounds
    are used while they meet the hard constraints; the tabu search plans the
    rest. Week-by-week search alone can paint itself into a corner; the
    construction cannot.
    """
    if rounds < 0:
        raise ValueError("rounds: must be at least 0")
    designed: list[list[list[int]]] = []
    if not request.history:
        designed = affine_rounds(len(request.people), request.resolved_room_count)
    ids = [p.id for p in request.people]
    history: list[Rooms] = list(request.history)
    plans: list[BreakoutPlan] = []
    for number in range(rounds):
        current = replace(request, history=tuple(history))
        round_seed = seed * 1_000_003 + number
        plan = None
        if number < len(designed):
            rooms = [frozenset(ids[i] for i in room) for room in designed[number]]
            if not find_violations(current, rooms):
                problem = build_problem(current)
                room_of = np.empty(len(ids), dtype=np.int64)
                for r, room in enumerate(designed[number]):
                    room_of[room] = r
                plan = _plan(current, problem, _to_units(problem, room_of), seed=round_seed)
            else:
                designed = []
        if plan is None:
            plan = assign_breakouts(current, seed=round_seed, iterations=iterations)
        plans.append(plan)
        history.append(plan.as_round())
    return plans


def _to_units(problem: Problem, person_room: IntArray) -> IntArray:
    return np.array([person_room[unit[0]] for unit in problem.units], dtype=np.int64)


def _exact_start(problem: Problem) -> IntArray:
    found = find_assignment(problem, problem.constraints, node_limit=_NODE_LIMIT)
    if isinstance(found, list):
        return _to_units(problem, np.array(found, dtype=np.int64))
    shape = problem.shape.describe()
    if found is None:
        core = conflicting_core(problem, node_limit=_NODE_LIMIT) or problem.constraints
        named = tuple(c.describe(problem.ids) for c in core)
        raise Infeasible(
            f"no assignment into {shape} meets all of: {'; '.join(named)}",
            constraints=named,
            proven=True,
        )
    named = tuple(c.describe(problem.ids) for c in _broken_by_best(problem))
    raise Infeasible(
        f"no assignment into {shape} meeting every constraint was found within the "
        f"search budget; the best attempt still breaks: {'; '.join(named)}",
        constraints=named,
        proven=False,
    )


def _broken_by_best(problem: Problem) -> tuple[Constraint, ...]:
    rng = np.random.default_rng(0)
    start = greedy(problem, rng)
    if start is None:
        return problem.constraints
    room_of = improve(problem, start, rng=rng, iterations=500).room_of
    return tuple(c for c in problem.constraints if not _kept(problem, room_of, c))


def _kept(problem: Problem, unit_room: IntArray, c: Constraint) -> bool:
    person_room = _person_rooms(problem, unit_room)
    if c.kind == "together":
        return bool(person_room[c.a] == person_room[c.b])
    if c.kind in ("apart", "do-not-pair"):
        return bool(person_room[c.a] != person_room[c.b])
    lang = problem.languages.index(c.language)
    mates = person_room == person_room[c.a]
    return int(problem.speaks[lang][mates].sum()) >= 2


def _person_rooms(problem: Problem, unit_room: IntArray) -> IntArray:
    person_room = np.empty(problem.n, dtype=np.int64)
    for unit, members in enumerate(problem.units):
        person_room[list(members)] = unit_room[unit]
    return person_room


def _plan(
    request: BreakoutRequest,
    problem: Problem,
    unit_room: IntArray,
    *,
    seed: int,
    iterations: int = 0,
) -> BreakoutPlan:
    ids = problem.ids
    person_room = _person_rooms(problem, unit_room)
    groups = [(r, np.flatnonzero(person_room == r)) for r in range(problem.shape.room_count)]
    # Largest rooms first, then by lowest id, so equal plans read the same.
    groups.sort(key=lambda g: (-len(g[1]), min(ids[i] for i in g[1])))
    position = {r: index for index, (r, _) in enumerate(groups)}
    rooms = []
    for index, (_, inside) in enumerate(groups):
        people = tuple(sorted(ids[i] for i in inside))
        repeats = tuple(
            sorted(
                (min(ids[a], ids[b]), max(ids[a], ids[b]))
                for a, b in combinations(inside.tolist(), 2)
                if problem.met[a, b] and problem.weights[a, b] > 0
            )
        )
        rooms.append(
            Room(index, people, repeats, _explain(problem, person_room, position, inside, repeats))
        )
    violations = find_violations(request, [frozenset(r.people) for r in rooms])
    if violations:
        # A bug, not a request problem: never hand out a plan that breaks a rule.
        raise AssertionError(f"breakout plan breaks: {'; '.join(violations)}")
    repeat_pairs = sum(len(r.repeat_pairs) for r in rooms)
    all_pairs = sum(len(r.people) * (len(r.people) - 1) // 2 for r in rooms)
    forced = sum(
        len(m) * (len(m) - 1) // 2 for m in problem.units
    )  # together couples: neither new nor repeat
    report = PlanReport(
        repeat_pairs=repeat_pairs,
        new_pairs=all_pairs - forced - repeat_pairs,
        repeat_cost=round(State(problem, unit_room).cost(), 6),
        violations=0,
        iterations=iterations,
        seed=seed,
    )
    return BreakoutPlan(tuple(rooms), report)


def _explain(
    problem: Problem,
    person_room: IntArray,
    position: dict[int, int],
    inside: IntArray,
    repeats: tuple[tuple[int, int], ...],
) -> str:
    ids = problem.ids
    here = set(inside.tolist())
    count = len(repeats)
    parts = [f"{len(here)} people", f"{count} repeat pair{'s' if count != 1 else ''}"]
    for c in problem.constraints:
        if c.kind == "together" and c.a in here:
            parts.append(f"couple {ids[c.a]} & {ids[c.b]} together")
        elif c.kind in ("apart", "do-not-pair") and (c.a in here or c.b in here):
            inner, outer = (c.a, c.b) if c.a in here else (c.b, c.a)
            label = "couple" if c.kind == "apart" else "do-not-pair"
            where = position[int(person_room[outer])]
            parts.append(f"{label} {ids[inner]} kept apart from {ids[outer]} (room {where})")
    for lang_index, lang in enumerate(problem.languages):
        needing = [ids[i] for i in sorted(here) if problem.needs[lang_index, i]]
        if needing:
            speaking = [ids[i] for i in sorted(here) if problem.speaks[lang_index, i]]
            parts.append(f"{lang!r} needed by {needing}, spoken by {speaking}")
    return "; ".join(parts)
