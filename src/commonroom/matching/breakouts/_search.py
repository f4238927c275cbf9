"""Greedy construction and iterated tabu search over unit-to-room assignments.

Balance is structural: every move keeps room sizes within one, so the search
never leaves the balanced space. Hard constraints (apart, do-not-pair,
language) are penalties large enough that any feasible assignment beats any
infeasible one; "together" couples cannot break because a unit moves whole.

Each iteration scores the whole neighbourhood with numpy (Dotu & Van
Hentenryck's tabu search for the social golfer problem does the same with
swaps of conflicting golfers):
  - swap two units of equal size in different rooms;
  - move a single person from a large room to a small one (when sizes differ);
  - swap a two-person unit with two single people of another room.
The best non-tabu move is taken even if it is worse (that is how tabu search
leaves local optima); a moved unit is tabu for a random tenure unless the move
beats the best cost seen (aspiration). After a stall the search restarts from
the best assignment with a few random swaps; it ends at zero cost, at the
iteration budget, or after several restarts in a row bring no improvement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._problem import BoolArray, FloatArray, IntArray, Problem

_EPS = 1e-9
_PATIENCE = 6


class State:
    def __init__(self, problem: Problem, room_of: IntArray) -> None:
        self.problem = problem
        self.room_of = room_of.copy()
        onehot = self._onehot(self.room_of)
        # affinity[u, r]: cost between unit u and everyone in room r but u.
        self.affinity: FloatArray = problem.unit_weights @ onehot
        self.size: IntArray = problem.unit_size @ onehot.astype(np.int64)
        self.speakers: IntArray = problem.unit_speakers @ onehot.astype(np.int64)
        self.needers: IntArray = problem.unit_needers @ onehot.astype(np.int64)
        # Kept up to date by the search from move deltas, not recomputed.
        self.cost_now = self.cost()

    def _onehot(self, room_of: IntArray) -> FloatArray:
        onehot = np.zeros((len(room_of), self.problem.shape.room_count), dtype=np.float64)
        onehot[np.arange(len(room_of)), room_of] = 1.0
        return onehot

    def language_broken(self) -> IntArray:
        """language x room: 1 where someone needs the language and is its only speaker."""
        return ((self.needers > 0) & (self.speakers < 2)).astype(np.int64)

    def cost(self) -> float:
        units = np.arange(len(self.room_of))
        pair_cost = 0.5 * float(self.affinity[units, self.room_of].sum())
        return pair_cost + self.problem.penalty * int(self.language_broken().sum())

    def move(self, unit: int, to: int) -> None:
        p = self.problem
        frm = int(self.room_of[unit])
        column = p.unit_weights[:, unit]
        self.affinity[:, frm] -= column
        self.affinity[:, to] += column
        self.size[frm] -= p.unit_size[unit]
        self.size[to] += p.unit_size[unit]
        self.speakers[:, frm] -= p.unit_speakers[:, unit]
        self.speakers[:, to] += p.unit_speakers[:, unit]
        self.needers[:, frm] -= p.unit_needers[:, unit]
        self.needers[:, to] += p.unit_needers[:, unit]
        self.room_of[unit] = to


@dataclass(frozen=True)
class Move:
    delta: float
    steps: tuple[tuple[int, int], ...]  # (unit, to room)


def _broken(needers: IntArray, speakers: IntArray) -> IntArray:
    return ((needers > 0) & (speakers < 2)).astype(np.int64)


class Neighbourhood:
    """Scores every move from a state; masks that do not depend on the state
    are built once."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        size = problem.unit_size
        u = len(size)
        self.equal_size: BoolArray = np.triu(size[:, None] == size[None, :], k=1)
        self.single: BoolArray = size == 1
        self.singles: IntArray = np.flatnonzero(self.single).astype(np.int64)
        self.pairs: IntArray = np.flatnonzero(size == 2).astype(np.int64)
        self.upper_singles: BoolArray = np.triu(np.ones((len(self.singles),) * 2, np.bool_), k=1)
        self.units = np.arange(u)

    def candidates(self, s: State, allowed: BoolArray, ceiling: float) -> list[Move]:
        """The best moves: only units in `allowed`, unless the move's cost
        would fall below `ceiling` (aspiration). Ties are all returned."""
        found: list[tuple[float, list[Move]]] = []
        for scorer in (self._swaps, self._shifts, self._pair_swaps):
            best = scorer(s, allowed, ceiling)
            if best is not None:
                found.append(best)
        if not found:
            return []
        lowest = min(value for value, _ in found)
        return [m for value, moves in found if value <= lowest + _EPS for m in moves]

    def _select(
        self, delta: FloatArray, valid: BoolArray, free: BoolArray, ceiling: float, base: float
    ) -> tuple[float, IntArray] | None:
        usable = valid & (free | (base + delta < ceiling - _EPS))
        if not usable.any():
            return None
        masked = np.where(usable, delta, np.inf)
        lowest = float(masked.min())
        return lowest, np.flatnonzero(masked <= lowest + _EPS)

    def _swaps(
        self, s: State, allowed: BoolArray, ceiling: float
    ) -> tuple[float, list[Move]] | None:
        p = self.problem
        room = s.room_of
        own = s.affinity[self.units, room]
        across = s.affinity[:, room]  # across[u, v] = affinity of u with v's room
        delta = across + across.T - own[:, None] - own[None, :] - 2.0 * p.unit_weights
        broken = s.language_broken()
        for lang in range(len(p.languages)):
            spk, need = p.unit_speakers[lang], p.unit_needers[lang]
            room_spk, room_need = s.speakers[lang, room], s.needers[lang, room]
            # u's room after u leaves and v arrives; v's room is the transpose.
            after = _broken(
                room_need[:, None] - need[:, None] + need[None, :],
                room_spk[:, None] - spk[:, None] + spk[None, :],
            )
            before = broken[lang, room]
            delta = delta + p.penalty * (after + after.T - before[:, None] - before[None, :])
        valid = self.equal_size & (room[:, None] != room[None, :])
        free = allowed[:, None] & allowed[None, :]
        chosen = self._select(delta, valid, free, ceiling, s.cost_now)
        if chosen is None:
            return None
        value, flat = chosen
        u_count = len(room)
        moves = []
        for f in flat:
            a, b = divmod(int(f), u_count)
            moves.append(Move(value, ((a, int(room[b])), (b, int(room[a])))))
        return value, moves

    def _shifts(
        self, s: State, allowed: BoolArray, ceiling: float
    ) -> tuple[float, list[Move]] | None:
        p = self.problem
        if p.shape.big_rooms == 0:
            return None
        room = s.room_of
        large = s.size > p.shape.small
        delta = s.affinity - s.affinity[self.units, room][:, None]
        broken = s.language_broken()
        for lang in range(len(p.languages)):
            spk, need = p.unit_speakers[lang], p.unit_needers[lang]
            left = _broken(s.needers[lang, room] - need, s.speakers[lang, room] - spk)
            joined = _broken(
                s.needers[lang][None, :] + need[:, None], s.speakers[lang][None, :] + spk[:, None]
            )
            before = broken[lang, room][:, None] + broken[lang][None, :]
            delta = delta + p.penalty * (left[:, None] + joined - before)
        valid = (self.single & large[room])[:, None] & ~large[None, :]
        chosen = self._select(delta, valid, allowed[:, None], ceiling, s.cost_now)
        if chosen is None:
            return None
        value, flat = chosen
        rooms = p.shape.room_count
        return value, [Move(value, (divmod(int(f), rooms),)) for f in flat]

    def _pair_swaps(
        self, s: State, allowed: BoolArray, ceiling: float
    ) -> tuple[float, list[Move]] | None:
        p = self.problem
        if len(self.pairs) == 0 or len(self.singles) < 2:
            return None
        singles = self.singles
        room = s.room_of
        single_room = room[singles]
        same_room = single_room[:, None] == single_room[None, :]
        inner = 2.0 * p.unit_weights[np.ix_(singles, singles)]
        broken = s.language_broken()
        best: tuple[float, list[Move]] | None = None
        for pair in self.pairs:
            home = int(room[pair])
            # Moving X={pair} A->B and Y={v,w} B->A changes the cost by
            # sum_X(aff[x,B]-aff[x,A]) + sum_Y(aff[y,A]-aff[y,B]) + 2W(v,w) - 2W(X,Y).
            toward = s.affinity[pair, single_room] - s.affinity[pair, home]
            gain = (
                s.affinity[singles, home]
                - s.affinity[singles, single_room]
                - 2.0 * p.unit_weights[pair, singles]
            )
            delta = toward[:, None] + gain[:, None] + gain[None, :] + inner
            for lang in range(len(p.languages)):
                spk, need = p.unit_speakers[lang], p.unit_needers[lang]
                two_spk = spk[singles][:, None] + spk[singles][None, :]
                two_need = need[singles][:, None] + need[singles][None, :]
                home_after = _broken(
                    s.needers[lang, home] - need[pair] + two_need,
                    s.speakers[lang, home] - spk[pair] + two_spk,
                )
                away_after = _broken(
                    s.needers[lang, single_room][:, None] - two_need + need[pair],
                    s.speakers[lang, single_room][:, None] - two_spk + spk[pair],
                )
                before = broken[lang, home] + broken[lang, single_room][:, None]
                delta = delta + p.penalty * (home_after + away_after - before)
            valid = self.upper_singles & same_room & (single_room != home)[:, None]
            free = bool(allowed[pair]) & allowed[singles][:, None] & allowed[singles][None, :]
            chosen = self._select(delta, valid, free, ceiling, s.cost_now)
            if chosen is None:
                continue
            value, flat = chosen
            if best is not None and value > best[0] + _EPS:
                continue
            moves = []
            for f in flat:
                i, j = divmod(int(f), len(singles))
                target = int(single_room[i])
                steps = ((int(pair), target), (int(singles[i]), home), (int(singles[j]), home))
                moves.append(Move(value, steps))
            if best is None or value < best[0] - _EPS:
                best = (value, moves)
            else:
                best[1].extend(moves)
        return best


def greedy(problem: Problem, rng: np.random.Generator) -> IntArray | None:
    """Place units, biggest and language-needing first, each in the room
    where it adds least cost; None when capacity fragments (big units left
    with no room wide enough)."""
    shape = problem.shape
    u_count = len(problem.units)
    needing = problem.unit_needers.sum(axis=0) > 0
    order = np.lexsort((rng.random(u_count), ~needing, -problem.unit_size))
    room_of = np.full(u_count, -1, dtype=np.int64)
    affinity = np.zeros((u_count, shape.room_count), dtype=np.float64)
    size = np.zeros(shape.room_count, dtype=np.int64)
    speakers = np.zeros((len(problem.languages), shape.room_count), dtype=np.int64)
    needers = np.zeros_like(speakers)
    big_used = 0
    for unit in order:
        grown = size + problem.unit_size[unit]
        fits = (grown <= shape.small) | ((grown == shape.small + 1) & (big_used < shape.big_rooms))
        if not fits.any():
            return None
        before = _broken(needers, speakers).sum(axis=0)
        after = _broken(
            needers + problem.unit_needers[:, unit][:, None],
            speakers + problem.unit_speakers[:, unit][:, None],
        ).sum(axis=0)
        # An empty room is not yet a language failure: people can still join it.
        score = affinity[unit] + problem.penalty * (after - before) * (size > 0)
        score = score + 1e-6 * rng.random(shape.room_count)
        room = int(np.argmin(np.where(fits, score, np.inf)))
        room_of[unit] = room
        if grown[room] == shape.small + 1:
            big_used += 1
        size[room] = grown[room]
        affinity[:, room] += problem.unit_weights[:, unit]
        speakers[:, room] += problem.unit_speakers[:, unit]
        needers[:, room] += problem.unit_needers[:, unit]
    return room_of


@dataclass(frozen=True)
class Outcome:
    room_of: IntArray
    cost: float
    iterations: int


def improve(
    problem: Problem, start: IntArray, *, rng: np.random.Generator, iterations: int
) -> Outcome:
    state = State(problem, start)
    neighbourhood = Neighbourhood(problem)
    u_count = len(problem.units)
    best_cost, best_room = state.cost_now, state.room_of.copy()
    tabu_until = np.zeros(u_count, dtype=np.int64)
    longest_tenure = max(3, u_count // 4)
    stall_limit = max(40, 4 * u_count)
    stall = 0
    # Restarts since the best last improved: past a few, the optimum (often
    # forced repeats, e.g. week 5 of a 9-person group) is almost surely found.
    fruitless = 0
    done = 0
    while done < iterations and best_cost > _EPS and fruitless < _PATIENCE:
        done += 1
        moves = neighbourhood.candidates(state, tabu_until <= done, best_cost)
        if not moves:
            # Everything is tabu: forget the tabu list rather than stop.
            moves = neighbourhood.candidates(state, np.ones(u_count, np.bool_), best_cost)
            if not moves:
                break
        move = moves[int(rng.integers(len(moves)))]
        for unit, to in move.steps:
            state.move(unit, to)
            tabu_until[unit] = done + int(rng.integers(2, longest_tenure + 2))
        state.cost_now += move.delta
        if state.cost_now < best_cost - _EPS:
            best_cost, best_room = state.cost_now, state.room_of.copy()
            stall = fruitless = 0
        else:
            stall += 1
        if stall >= stall_limit:
            state = _perturbed(problem, best_room, rng)
            tabu_until[:] = 0
            stall = 0
            fruitless += 1
    # Recompute: the running sum drifts by float rounding over many moves.
    return Outcome(best_room, State(problem, best_room).cost(), done)


def _perturbed(problem: Problem, room_of: IntArray, rng: np.random.Generator) -> State:
    room_of = room_of.copy()
    size = problem.unit_size
    for _ in range(max(2, len(room_of) // 8)):
        a = int(rng.integers(len(room_of)))
        partners = np.flatnonzero((size == size[a]) & (room_of != room_of[a]))
        if len(partners):
            b = int(partners[rng.integers(len(partners))])
            room_of[a], room_of[b] = room_of[b], room_of[a]
    return State(problem, room_of)
