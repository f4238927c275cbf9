"""Accountability buddies: maximum-cardinality, maximum-weight pairing.

Design, in order:

1. Eligible people are those who consented and are active; everyone else is
   reported as not eligible and never appears in a pair.
2. A sparse candidate graph: each person's ``top_k`` most compatible allowed
   partners (scored for whole row blocks at once with numpy), union over people.
   Never-a-partner and do-not-pair pairs are removed *before* the top-k cut, so
   a constraint never wastes a candidate slot.
3. rustworkx's blossom matching with ``max_cardinality=True``: as many people
   paired as the candidate graph allows, then the greatest total compatibility.
4. Repair: a top-k graph can miss the only partners of someone hard to place.
   If more people are left out than the odd one, their rows are made complete
   (every allowed partner) and the matching is solved again. With ``top_k`` at
   least the pool size minus one the graph is complete and the matching is exact.
5. Whoever is still left joins the pair they fit best as a trio (allowed with
   both members, one newcomer per pair, chosen by an assignment so several
   leftovers are spread optimally); anyone still unplaced is "offer a mentor".

The seed only decides tie-breaking (the order nodes are handed to the solver);
results are deterministic for a given seed and independent of input order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import rustworkx as rx
from scipy.optimize import linear_sum_assignment

from commonroom.matching.compat import (
    BoolArray,
    Explanation,
    FloatArray,
    IntArray,
    availability_matrix,
    check_unique_ids,
    common_counts,
    forbidden_index_pairs,
    forbidden_pairs,
    jaccard,
    mask_block,
    membership_matrix,
    pack_bits,
    row_blocks,
    saturating,
    solver_weights,
    top_k_columns,
    vocabulary,
)

#: Points per factor at a perfect fit; the sum is a pair's compatibility.
BUDDY_FACTOR_POINTS: Mapping[str, float] = {
    "availability_overlap": 3.0,
    "shared_language": 2.0,
    "shared_interests": 2.0,
    "similar_checkin_rhythm": 1.5,
    "same_phase": 1.0,
}

#: English labels for the factor keys; the UI translates these.
BUDDY_FACTOR_LABELS: Mapping[str, str] = {
    "availability_overlap": "Free at the same times each week",
    "shared_language": "Speak a common language",
    "shared_interests": "Chose some of the same interests",
    "similar_checkin_rhythm": "Check in at a similar rhythm",
    "same_phase": "In the same program phase",
}

#: Six shared free hours a week is plenty for buddy check-ins; more adds nothing.
AVAILABILITY_TARGET_HOURS = 6.0

#: Repair rounds (step 4); each only adds edges, and one is almost always enough.
MAX_REPAIR_ROUNDS = 3


@dataclass(frozen=True, kw_only=True)
class BuddyCandidate:
    id: int
    consenting: bool
    active: bool
    languages: frozenset[str]
    phase: str
    affinities_for_matching: frozenset[str]
    availability: frozenset[int]  # UTC hour-of-week slots 0..167
    checkin_rate: float  # share of days with a check-in, 0..1


@dataclass(frozen=True, kw_only=True)
class BuddyGroup:
    """A pair, or a trio when an odd person out joined it (``members[2]`` then)."""

    members: tuple[int, ...]
    explanation: Explanation

    @property
    def is_trio(self) -> bool:
        return len(self.members) == 3


@dataclass(frozen=True, kw_only=True, eq=False)
class BuddyGraph:
    """The candidate graph the solver saw: node i is person ``ids[i]``.

    ``weight`` are the integer solver weights, ``points`` the scores they round.
    Exposed so tests and the benchmark can hand identical edges to an oracle.
    """

    ids: tuple[int, ...]
    u: IntArray
    v: IntArray
    weight: IntArray
    points: FloatArray


@dataclass(frozen=True, kw_only=True)
class BuddyResult:
    pairs: tuple[BuddyGroup, ...]
    trios: tuple[BuddyGroup, ...]
    offer_mentor: tuple[int, ...]
    not_eligible: tuple[int, ...]
    #: Sum of pair scores in the matching (before trios were formed), in points.
    total_weight: float
    #: The integer objective the solver maximised (sum of matched edge weights).
    solver_weight: int
    graph: BuddyGraph = field(repr=False, compare=False)

    @property
    def groups(self) -> tuple[BuddyGroup, ...]:
        return self.pairs + self.trios


class _Features:
    """People as matrices, in solver node order."""

    def __init__(self, people: Sequence[BuddyCandidate]) -> None:
        ids = [person.id for person in people]
        self.availability = availability_matrix([p.availability for p in people], ids)
        languages = vocabulary([p.languages for p in people])
        self.languages = membership_matrix([p.languages for p in people], languages)
        interests = vocabulary([p.affinities_for_matching for p in people])
        self.interests = membership_matrix([p.affinities_for_matching for p in people], interests)
        self.interest_count = self.interests.sum(axis=1)
        phases = vocabulary([[p.phase] for p in people])
        self.phase = np.asarray([phases[p.phase] for p in people], dtype=np.int64)
        self.rate = np.asarray([p.checkin_rate for p in people], dtype=np.float64)
        self.packed_availability = pack_bits(self.availability)
        self.packed_languages = pack_bits(self.languages)
        self.packed_interests = pack_bits(self.interests)

    def outer(self, rows: IntArray | slice, cols: IntArray | slice) -> dict[str, FloatArray]:
        """Factor points for every (row, col) combination: shape (rows, cols)."""
        return _points(
            overlap=self.availability[rows] @ self.availability[cols].T,
            shared_language=(self.languages[rows] @ self.languages[cols].T) > 0,
            same_phase=self.phase[rows][:, None] == self.phase[cols][None, :],
            interests=jaccard(
                self.interests[rows] @ self.interests[cols].T,
                self.interest_count[rows][:, None],
                self.interest_count[cols][None, :],
            ),
            rate_gap=np.abs(self.rate[rows][:, None] - self.rate[cols][None, :]),
        )

    def paired(self, a: IntArray, b: IntArray) -> dict[str, FloatArray]:
        """Factor points for the pairs (a[i], b[i]): shape (len(a),)."""
        return _points(
            overlap=common_counts(self.packed_availability, a, self.packed_availability, b),
            shared_language=common_counts(self.packed_languages, a, self.packed_languages, b) > 0,
            same_phase=self.phase[a] == self.phase[b],
            interests=jaccard(
                common_counts(self.packed_interests, a, self.packed_interests, b),
                self.interest_count[a],
                self.interest_count[b],
            ),
            rate_gap=np.abs(self.rate[a] - self.rate[b]),
        )


def _points(
    *,
    overlap: FloatArray,
    shared_language: BoolArray,
    same_phase: BoolArray,
    interests: FloatArray,
    rate_gap: FloatArray,
) -> dict[str, FloatArray]:
    weights = BUDDY_FACTOR_POINTS
    return {
        "availability_overlap": weights["availability_overlap"]
        * saturating(overlap, AVAILABILITY_TARGET_HOURS),
        "shared_language": weights["shared_language"] * shared_language.astype(np.float64),
        "shared_interests": weights["shared_interests"] * interests,
        "similar_checkin_rhythm": weights["similar_checkin_rhythm"] * (1.0 - rate_gap),
        "same_phase": weights["same_phase"] * same_phase.astype(np.float64),
    }


def _total(points: Mapping[str, FloatArray]) -> FloatArray:
    return np.asarray(sum(points.values()), dtype=np.float64)


def _validate(people: Sequence[BuddyCandidate]) -> None:
    check_unique_ids((p.id for p in people), what="people")
    for person in people:
        if not 0.0 <= person.checkin_rate <= 1.0:
            raise ValueError(f"checkin_rate of {person.id}: must be between 0 and 1")


class _Scorer:
    def __init__(
        self, people: Sequence[BuddyCandidate], forbidden: Collection[frozenset[int]]
    ) -> None:
        self.n = len(people)
        self.features = _Features(people)
        index = {person.id: i for i, person in enumerate(people)}
        self.forbidden_rows, self.forbidden_cols = forbidden_index_pairs(forbidden, index, index)
        self.forbidden_keys = set((self.forbidden_rows * self.n + self.forbidden_cols).tolist())

    def rows(self, rows: IntArray) -> FloatArray:
        """Compatibility of the given people with everyone; -inf where not allowed."""
        scores = _total(self.features.outer(rows, slice(None)))
        scores[np.arange(len(rows)), rows] = -np.inf
        # Forbidden pairs for an arbitrary row subset: look them up by key.
        position = {int(row): i for i, row in enumerate(rows)}
        inside = np.isin(self.forbidden_rows, rows)
        for row, col in zip(
            self.forbidden_rows[inside].tolist(), self.forbidden_cols[inside].tolist(), strict=True
        ):
            scores[position[row], col] = -np.inf
        return scores

    def top_k_edges(self, k: int) -> tuple[IntArray, IntArray]:
        empty = np.zeros(0, dtype=np.int64)
        us: list[IntArray] = [empty]
        vs: list[IntArray] = [empty]
        for block in row_blocks(self.n):
            scores = _total(self.features.outer(block, slice(None)))
            local = np.arange(block.stop - block.start)
            scores[local, local + block.start] = -np.inf
            mask_block(scores, block, self.forbidden_rows, self.forbidden_cols)
            rows, cols = top_k_columns(scores, k)
            us.append(rows + block.start)
            vs.append(cols)
        return _undirected(np.concatenate(us), np.concatenate(vs), self.n)


def _undirected(a: IntArray, b: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Deduplicated edges with u < v, in a deterministic order."""
    keys = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    return (keys // n).astype(np.int64), (keys % n).astype(np.int64)


def _solve(n: int, u: IntArray, v: IntArray, weight: IntArray) -> list[tuple[int, int]]:
    graph: rx.PyGraph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n))
    graph.add_edges_from(list(zip(u.tolist(), v.tolist(), weight.tolist(), strict=True)))
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    return sorted((min(a, b), max(a, b)) for a, b in matching)


def pair_buddies(
    *,
    people: Sequence[BuddyCandidate],
    partners: Collection[frozenset[int]],
    do_not_pair: Collection[frozenset[int]],
    seed: int,
    top_k: int = 30,
) -> BuddyResult:
    """Pair consenting, active people as accountability buddies (see the module doc)."""
    _validate(people)
    if top_k < 1:
        raise ValueError("top_k: must be at least 1")
    forbidden = forbidden_pairs(partners=partners, do_not_pair=do_not_pair)
    eligible = sorted((p for p in people if p.consenting and p.active), key=lambda p: p.id)
    not_eligible = tuple(sorted(p.id for p in people if not (p.consenting and p.active)))
    # Seeded node order: ties between equally good matchings are broken by it.
    order = np.random.default_rng(seed).permutation(len(eligible))
    pool = [eligible[i] for i in order.tolist()]
    ids = tuple(p.id for p in pool)
    n = len(pool)

    scorer = _Scorer(pool, forbidden)
    u, v = scorer.top_k_edges(top_k)
    matching: list[tuple[int, int]] = []
    for repair_round in range(MAX_REPAIR_ROUNDS + 1):
        weight, points = _edge_weights(scorer, u, v)
        matching = _solve(n, u, v, weight)
        left = _unmatched(n, matching)
        if len(left) <= n % 2 or repair_round == MAX_REPAIR_ROUNDS:
            break
        # Complete the rows of everyone left out, so any partner they are allowed
        # to have (and any short augmenting path through a pair) is visible.
        scores = scorer.rows(left)
        rows, cols = np.nonzero(np.isfinite(scores))
        new_u, new_v = _undirected(
            np.concatenate([u, left[rows]]), np.concatenate([v, cols.astype(np.int64)]), n
        )
        if len(new_u) == len(u):
            break
        u, v = new_u, new_v
    graph = BuddyGraph(ids=ids, u=u, v=v, weight=weight, points=points)

    matched_u = np.asarray([a for a, _ in matching], dtype=np.int64)
    matched_v = np.asarray([b for _, b in matching], dtype=np.int64)
    pair_points = scorer.features.paired(matched_u, matched_v)
    pair_total = _total(pair_points)
    edge_index = {key: i for i, key in enumerate((u * n + v).tolist())}
    solver_weight = int(sum(int(weight[edge_index[a * n + b]]) for a, b in matching))

    trio_of, offer = _place_leftovers(scorer, matching, _unmatched(n, matching))
    pairs: list[BuddyGroup] = []
    trios: list[BuddyGroup] = []
    for i, (a, b) in enumerate(matching):
        pair_factor_points = {key: float(values[i]) for key, values in pair_points.items()}
        newcomer = trio_of.get(i)
        if newcomer is None:
            members = tuple(sorted((ids[a], ids[b])))
            pairs.append(
                BuddyGroup(members=members, explanation=Explanation.from_points(pair_factor_points))
            )
            continue
        extra = scorer.features.paired(
            np.asarray([newcomer, newcomer], dtype=np.int64), np.asarray([a, b], dtype=np.int64)
        )
        combined = {
            key: pair_factor_points[key] + float(extra[key].sum()) for key in pair_factor_points
        }
        trios.append(
            BuddyGroup(
                members=(*sorted((ids[a], ids[b])), ids[newcomer]),
                explanation=Explanation.from_points(combined),
            )
        )
    return BuddyResult(
        pairs=tuple(sorted(pairs, key=lambda g: g.members)),
        trios=tuple(sorted(trios, key=lambda g: g.members)),
        offer_mentor=tuple(sorted(ids[i] for i in offer)),
        not_eligible=not_eligible,
        total_weight=float(pair_total.sum()),
        solver_weight=solver_weight,
        graph=graph,
    )


def _edge_weights(scorer: _Scorer, u: IntArray, v: IntArray) -> tuple[IntArray, FloatArray]:
    points = _total(scorer.features.paired(u, v))
    return solver_weights(points), points


def _unmatched(n: int, matching: Sequence[tuple[int, int]]) -> IntArray:
    matched = np.zeros(n, dtype=bool)
    for a, b in matching:
        matched[a] = matched[b] = True
    return np.flatnonzero(~matched).astype(np.int64)


def _place_leftovers(
    scorer: _Scorer, matching: Sequence[tuple[int, int]], left: IntArray
) -> tuple[dict[int, int], list[int]]:
    """Join leftovers to pairs as trios: {pair index: newcomer}, and who stays unplaced.

    An assignment (leftover x pair), so that with several leftovers the most of
    them are placed and, among those placements, the best-fitting trios win.
    """
    if len(left) == 0:
        return {}, []
    if not matching:
        return {}, left.tolist()
    scores = scorer.rows(left)
    first = np.asarray([a for a, _ in matching], dtype=np.int64)
    second = np.asarray([b for _, b in matching], dtype=np.int64)
    fit = scores[:, first] + scores[:, second]  # -inf unless allowed with both members
    feasible = np.isfinite(fit)
    # Cost of an infeasible cell exceeds any sum of feasible fits, so the solver
    # first maximises the number of trios, then their total fit.
    worst = float(np.abs(fit[feasible]).sum()) + 1.0 if feasible.any() else 1.0
    cost = np.where(feasible, -fit, worst)
    rows, cols = linear_sum_assignment(cost)
    trio_of: dict[int, int] = {}
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if feasible[row, col]:
            trio_of[col] = int(left[row])
    placed = set(trio_of.values())
    return trio_of, [int(i) for i in left.tolist() if int(i) not in placed]
