"""Benchmark: breakout-room assignment against baselines, same run.

    .venv/bin/python bench/grouping.py           # full run
    .venv/bin/python bench/grouping.py --quick   # smoke run: smaller budgets

1. Twelve weekly sessions of a 9-person group (rooms of 3) and of a 60-person
   cohort (rooms of 4, 5, 6 in turn) with "together" and "apart" couples,
   do-not-pair pairs and Spanish-only members. Ours (tabu search, plus the
   finite-geometry schedule where it fits) against two restart baselines
   given the same wall time per week: "shuffle + greedy" (random order, each
   unit to the feasible room that adds least repeat cost) and "shuffle +
   repair" (random feasible room). Both keep their best valid restart by the
   same recency-weighted cost we optimise.
2. The social golfer instance, 32 people in 8 rooms of 4: consecutive weeks
   with zero repeat pairings, planned (construction + search) and by the
   week-by-week tabu search alone.

Repeats count pairs who shared a room in any earlier week of the run;
"recent" counts those who shared one in the last 3 weeks. "Together" couples
are never counted (every valid plan repeats them).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from commonroom.matching.breakouts import (
    BreakoutRequest,
    Couple,
    Person,
    Rooms,
    assign_breakouts,
    count_repeat_pairs,
    find_violations,
    forced_pairs,
    plan_rounds,
)
from commonroom.matching.breakouts.metrics import room_pairs

WEEKS = 12


@dataclass
class Row:
    instance: str
    method: str
    repeats: int
    recent: int
    cost: float
    violations: int
    seconds: float
    note: str = ""


def weighted_cost(
    rooms: Rooms, history: Sequence[Rooms], ignore: frozenset[frozenset[int]]
) -> float:
    """The objective BreakoutRequest documents, with recency_half_life = 1."""
    pairs = room_pairs(rooms) - ignore
    cost = 0.0
    for age, past in enumerate(reversed(history), start=1):
        cost += (1.0 + 0.5 ** (age - 1)) * len(pairs & room_pairs(past))
    return cost


def score(
    requests: Sequence[BreakoutRequest], weeks: Sequence[Rooms]
) -> tuple[int, int, float, int]:
    forced = forced_pairs(requests[0])
    repeats = recent = violations = 0
    cost = 0.0
    for w, (request, rooms) in enumerate(zip(requests, weeks, strict=True)):
        earlier = weeks[:w]
        repeats += count_repeat_pairs(rooms, earlier, ignore=forced)
        recent += count_repeat_pairs(rooms, earlier, within=3, ignore=forced)
        cost += weighted_cost(rooms, earlier, forced)
        violations += len(find_violations(request, rooms))
    return repeats, recent, cost, violations


def pair_weights(
    history: Sequence[Rooms], ignore: frozenset[frozenset[int]]
) -> dict[frozenset[int], float]:
    weights: dict[frozenset[int], float] = {}
    for age, past in enumerate(reversed(history), start=1):
        for pair in room_pairs(past) - ignore:
            weights[pair] = weights.get(pair, 0.0) + 1.0 + 0.5 ** (age - 1)
    return weights


def restart_baseline(
    request: BreakoutRequest, *, seconds: float, rng: random.Random, cost_aware: bool
) -> tuple[list[frozenset[int]] | None, int]:
    """Best valid round found by shuffled greedy restarts within `seconds`."""
    ids = [p.id for p in request.people]
    by_id = {p.id: p for p in request.people}
    forced = forced_pairs(request)
    partner: dict[int, set[int]] = {pid: set() for pid in ids}
    for pair in forced:
        a, b = sorted(pair)
        partner[a].add(b)
        partner[b].add(a)
    units: list[list[int]] = []
    seen: set[int] = set()
    for pid in ids:
        if pid not in seen:
            unit = sorted({pid} | partner[pid])
            seen |= set(unit)
            units.append(unit)
    conflicts = {frozenset(pair) for pair in request.do_not_pair} | {
        frozenset((c.a, c.b)) for c in request.couples if c.policy == "apart"
    }
    room_count = request.resolved_room_count
    small, big_rooms = divmod(len(ids), room_count)
    weights = pair_weights(request.history, forced)
    best: list[frozenset[int]] | None = None
    best_cost = float("inf")
    tries = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or (best is None and tries < 10_000):
        tries += 1
        order = units[:]
        rng.shuffle(order)
        order.sort(key=len, reverse=True)  # stable: shuffled within a size
        rooms: list[list[int]] = [[] for _ in range(room_count)]
        big_used = 0
        ok = True
        for unit in order:
            options = []
            for r, room in enumerate(rooms):
                grown = len(room) + len(unit)
                if grown > small + 1 or (grown == small + 1 and big_used >= big_rooms):
                    continue
                if any(frozenset((a, b)) in conflicts for a in unit for b in room):
                    continue
                added = 0.0
                if cost_aware:
                    added = sum(weights.get(frozenset((a, b)), 0.0) for a in unit for b in room)
                # Greedy language fix: a room where someone needs a language
                # nobody else speaks is taken last.
                lonely = any(
                    not any(by_id[o].speaks(lang) for o in room + unit if o != pid)
                    for pid in room + unit
                    for lang in by_id[pid].language_needs
                )
                options.append((lonely and len(room) > 0, added, rng.random(), r))
            if not options:
                ok = False
                break
            r = min(options)[3]
            big_used += len(rooms[r]) + len(unit) == small + 1
            rooms[r].extend(unit)
        if not ok:
            continue
        candidate = [frozenset(room) for room in rooms]
        if find_violations(request, candidate):
            continue
        cost = weighted_cost(candidate, request.history, forced)
        if cost < best_cost:
            best, best_cost = candidate, cost
    return best, tries


def cohort(seed: int) -> tuple[list[Person], list[Couple], frozenset[frozenset[int]]]:
    rng = random.Random(seed)
    ids = list(range(1, 61))
    rng.shuffle(ids)
    spanish_only, bilingual = ids[:6], ids[6:14]
    people = [
        Person(
            pid,
            languages=frozenset({"en", "es"}) if pid in bilingual else frozenset({"en"}),
            language_needs=frozenset({"es"}) if pid in spanish_only else frozenset(),
        )
        for pid in sorted(range(1, 61))
    ]
    rest = ids[14:]
    couples = [Couple(rest[i], rest[i + 1], "together") for i in range(0, 8, 2)]
    couples += [Couple(rest[i], rest[i + 1], "apart") for i in range(8, 16, 2)]
    singles = rest[16:]
    do_not_pair = frozenset(frozenset((singles[i], singles[i + 1])) for i in range(0, 16, 2))
    return people, couples, do_not_pair


def run_weeks(
    name: str, requests: list[BreakoutRequest], *, iterations: int, seed: int, plan: bool
) -> list[Row]:
    """Ours, then both baselines at our time per week."""
    rows = []
    started = time.perf_counter()
    ours: list[Rooms] = []
    if plan:
        ours = [
            p.as_round()
            for p in plan_rounds(
                requests[0], rounds=len(requests), seed=seed, iterations=iterations
            )
        ]
    else:
        for w, request in enumerate(requests):
            plan_w = assign_breakouts(
                replace(request, history=tuple(ours)), seed=seed + w, iterations=iterations
            )
            ours.append(plan_w.as_round())
    ours_time = time.perf_counter() - started
    rows.append(
        Row(
            name, "ours: tabu search", *score(requests, ours), ours_time, f"<= {iterations} it/week"
        )
    )
    for label, aware in (("shuffle + greedy", True), ("shuffle + repair", False)):
        rng = random.Random(seed)
        weeks: list[Rooms] = []
        tries = 0
        started = time.perf_counter()
        for request in requests:
            rooms, n = restart_baseline(
                replace(request, history=tuple(weeks)),
                seconds=ours_time / len(requests),
                rng=rng,
                cost_aware=aware,
            )
            tries += n
            if rooms is None:
                rows.append(Row(name, label, 0, 0, 0.0, 1, 0.0, "no valid restart"))
                break
            weeks.append(rooms)
        else:
            elapsed = time.perf_counter() - started
            rows.append(Row(name, label, *score(requests, weeks), elapsed, f"{tries} restarts"))
    return rows


def golfer(*, iterations: int, seed: int) -> list[Row]:
    request = BreakoutRequest(people=[Person(i) for i in range(32)], room_count=8)
    rows = []
    started = time.perf_counter()
    planned = plan_rounds(request, rounds=10, seed=seed, iterations=iterations)
    elapsed = time.perf_counter() - started
    weeks = next((w for w, p in enumerate(planned) if p.report.repeat_pairs), len(planned))
    repeats10 = sum(p.report.repeat_pairs for p in planned)
    rows.append(
        Row("golfer 32 = 8x4", "ours: planned (geometry + tabu)", repeats10, 0, 0.0, 0, elapsed,
            f"{weeks} zero-repeat weeks")
    )  # fmt: skip
    started = time.perf_counter()
    history: list[Rooms] = []
    total = 0
    for w in range(10):
        plan = assign_breakouts(
            replace(request, history=tuple(history)), seed=seed + w, iterations=iterations
        )
        history.append(plan.as_round())
        total += plan.report.repeat_pairs
    elapsed = time.perf_counter() - started
    weeks = next((w for w in range(10) if count_repeat_pairs(history[w], history[:w])), 10)
    rows.append(
        Row("golfer 32 = 8x4", "ours: week-by-week tabu only", total, 0, 0.0, 0, elapsed,
            f"{weeks} zero-repeat weeks")
    )  # fmt: skip
    return rows


def print_table(rows: list[Row]) -> None:
    header = ("instance", "method", "repeats", "recent", "cost", "violations", "time s", "note")
    cells = [
        (r.instance, r.method, str(r.repeats), str(r.recent), f"{r.cost:.1f}", str(r.violations),
         f"{r.seconds:.2f}", r.note)
        for r in rows
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *cells]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small budgets, for a smoke run")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    iterations = 300 if args.quick else 2_000
    seed = args.seed

    rows: list[Row] = []
    small = BreakoutRequest(people=[Person(i) for i in range(1, 10)], room_size=3)
    rows += run_weeks(
        "9 people, 3 rooms of 3", [small] * WEEKS, iterations=iterations, seed=seed, plan=True
    )

    people, couples, do_not_pair = cohort(seed)
    sizes = [4, 5, 6]
    requests = [
        BreakoutRequest(
            people=people, room_size=sizes[w % 3], couples=couples, do_not_pair=do_not_pair
        )
        for w in range(WEEKS)
    ]
    rows += run_weeks(
        "60 people, rooms of 4-6", requests, iterations=iterations, seed=seed, plan=False
    )
    rows += golfer(iterations=iterations if args.quick else 5_000, seed=seed)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
