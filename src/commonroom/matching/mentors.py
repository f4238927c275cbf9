"""Mentor assignment: a capacitated assignment maximising compatibility.

Objective, lexicographic: first as many mentees assigned as the candidate edges
allow, then the greatest total compatibility among those assignments.

Hard constraints (an edge never exists otherwise):

- never a do-not-pair pair, never a partner, never oneself;
- language rule: a mentee's ``needs_language`` (when set) is the one language
  they must be mentored in, so the mentor must list it in ``languages``. Other
  languages the mentee speaks (``languages``) only add points when shared; a
  mentee with ``needs_language=None`` can be matched with any mentor.

Solver: mentors are expanded into capacity slots and the problem becomes a
sparse rectangular assignment solved by scipy's LAPJVsp
(``min_weight_full_bipartite_matching``). Each row (slot or mentee, whichever
side is smaller) also gets a private "unmatched" column so a full matching
always exists; real edges carry a bonus
larger than any possible sum of scores, which makes "assign one more mentee"
always win over "assign better" (the lexicographic objective above).

Candidates are sparse: each mentee's ``top_k`` feasible mentors plus each
mentor's ``top_k`` feasible mentees. If mentees remain unassigned while some
mentor has spare capacity, edges from those mentees to every feasible mentor
with spare capacity are added and the assignment is solved again. With
``top_k`` at least the number of mentors the candidate graph is complete and
the result is exact.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

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

MAX_CAPACITY = 5

#: Points per factor at a perfect fit; the sum is a match's compatibility.
MENTOR_FACTOR_POINTS: Mapping[str, float] = {
    "mentor_gender_preference": 3.0,
    "lived_experience": 2.5,
    "shared_language": 2.0,
    "faith_preference": 2.0,
    "shared_interests": 2.0,
    "availability_overlap": 2.0,
}

#: English labels for the factor keys; the UI translates these.
MENTOR_FACTOR_LABELS: Mapping[str, str] = {
    "mentor_gender_preference": "Matches the mentee's preference for their mentor",
    "lived_experience": "Has lived experience the mentee asked for",
    "shared_language": "Speak a common language",
    "faith_preference": "Fits the mentee's faith or secular preference",
    "shared_interests": "Chose some of the same interests",
    "availability_overlap": "Free at the same times each week",
}

#: A weekly mentor call needs a few common hours; beyond four more adds nothing.
AVAILABILITY_TARGET_HOURS = 4.0

#: Faith preferences that are not a tradition.
NO_PREFERENCE = ""
SECULAR = "secular"
SPIRITUAL = "spiritual"

MAX_REPAIR_ROUNDS = 3


@dataclass(frozen=True, kw_only=True)
class Mentor:
    id: int
    capacity: int  # 1..5 mentees
    languages: frozenset[str]
    gender: str
    faith: str  # "secular" | "spiritual" | a tradition | "" (not stated)
    availability: frozenset[int]  # UTC hour-of-week slots 0..167
    lived_experience: frozenset[str]
    affinities: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class Mentee:
    id: int
    languages: frozenset[str]
    needs_language: str | None
    mentor_gender_preference: str | None
    faith: str  # preference for the mentor: "secular" | "spiritual" | a tradition | ""
    availability: frozenset[int]
    lived_experience_wanted: frozenset[str]
    affinities: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class MentorMatch:
    mentor_id: int
    mentee_id: int
    explanation: Explanation


@dataclass(frozen=True, kw_only=True, eq=False)
class MentorGraph:
    """Candidate edges the solver saw: mentee ``mentee_ids[e[i]]`` with mentor
    ``mentor_ids[m[i]]``; ``weight`` are the integer weights, ``points`` their scores."""

    mentee_ids: tuple[int, ...]
    mentor_ids: tuple[int, ...]
    capacity: IntArray
    e: IntArray
    m: IntArray
    weight: IntArray
    points: FloatArray


@dataclass(frozen=True, kw_only=True)
class MentorResult:
    matches: tuple[MentorMatch, ...]
    unassigned: tuple[int, ...]  # mentee ids
    total_score: float  # sum of match scores, in points
    solver_weight: int  # sum of the integer weights of the chosen edges
    graph: MentorGraph = field(repr=False, compare=False)


def _faith_points(mentee_faith: str, mentor_faith: str) -> float:
    """Share of the faith factor earned by this pair."""
    if mentee_faith == NO_PREFERENCE or mentor_faith == NO_PREFERENCE:
        return 0.0
    if mentee_faith == mentor_faith:
        return 1.0
    # Someone asking for a spiritual mentor is well served by any tradition, and
    # a broadly spiritual mentor partly serves someone asking for a tradition.
    if SECULAR not in (mentee_faith, mentor_faith) and SPIRITUAL in (mentee_faith, mentor_faith):
        return 0.5
    return 0.0


class _Features:
    def __init__(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> None:
        mentee_languages = [_spoken(t) for t in mentees]
        languages = vocabulary(mentee_languages, [m.languages for m in mentors])
        self.mentee_languages = membership_matrix(mentee_languages, languages)
        self.mentor_languages = membership_matrix([m.languages for m in mentors], languages)
        interests = vocabulary([t.affinities for t in mentees], [m.affinities for m in mentors])
        self.mentee_interests = membership_matrix([t.affinities for t in mentees], interests)
        self.mentor_interests = membership_matrix([m.affinities for m in mentors], interests)
        self.mentee_interest_count = self.mentee_interests.sum(axis=1)
        self.mentor_interest_count = self.mentor_interests.sum(axis=1)
        lived = vocabulary([t.lived_experience_wanted for t in mentees])
        self.wanted = membership_matrix([t.lived_experience_wanted for t in mentees], lived)
        self.wanted_count = self.wanted.sum(axis=1)
        self.lived = membership_matrix([m.lived_experience for m in mentors], lived)
        self.mentee_hours = availability_matrix(
            [t.availability for t in mentees], [t.id for t in mentees]
        )
        self.mentor_hours = availability_matrix(
            [m.availability for m in mentors], [m.id for m in mentors]
        )
        genders = vocabulary([[m.gender] for m in mentors])
        self.mentor_gender = np.asarray([genders[m.gender] for m in mentors], dtype=np.int64)
        # -1 = no preference; -2 = a preference no mentor here has (never met).
        self.gender_wanted = np.asarray(
            [
                -1
                if t.mentor_gender_preference is None
                else genders.get(t.mentor_gender_preference, -2)
                for t in mentees
            ],
            dtype=np.int64,
        )
        faiths = vocabulary([[t.faith] for t in mentees], [[m.faith] for m in mentors])
        self.faith_table = np.asarray(
            [[_faith_points(a, b) for b in faiths] for a in faiths], dtype=np.float64
        ).reshape(len(faiths), len(faiths))
        self.mentee_faith = np.asarray([faiths[t.faith] for t in mentees], dtype=np.int64)
        self.mentor_faith = np.asarray([faiths[m.faith] for m in mentors], dtype=np.int64)
        # Bit-packed copies for per-edge counts (see compat.pack_bits).
        self.packed_mentee_hours = pack_bits(self.mentee_hours)
        self.packed_mentor_hours = pack_bits(self.mentor_hours)
        self.packed_mentee_languages = pack_bits(self.mentee_languages)
        self.packed_mentor_languages = pack_bits(self.mentor_languages)
        self.packed_mentee_interests = pack_bits(self.mentee_interests)
        self.packed_mentor_interests = pack_bits(self.mentor_interests)
        self.packed_wanted = pack_bits(self.wanted)
        self.packed_lived = pack_bits(self.lived)
        # Hard language rule as a column lookup: needs[i] is a column of languages.
        self.needs = np.asarray(
            [-1 if t.needs_language is None else languages[t.needs_language] for t in mentees],
            dtype=np.int64,
        )

    def outer(self, rows: slice | IntArray) -> tuple[dict[str, FloatArray], BoolArray]:
        """Factor points of mentees ``rows`` x all mentors, and the language-feasible mask."""
        gender = self.gender_wanted[rows][:, None]
        points = _points(
            overlap=self.mentee_hours[rows] @ self.mentor_hours.T,
            shared_language=(self.mentee_languages[rows] @ self.mentor_languages.T) > 0,
            interests=jaccard(
                self.mentee_interests[rows] @ self.mentor_interests.T,
                self.mentee_interest_count[rows][:, None],
                self.mentor_interest_count[None, :],
            ),
            lived_hits=self.wanted[rows] @ self.lived.T,
            wanted_count=np.broadcast_to(
                self.wanted_count[rows][:, None], (len(gender), len(self.mentor_gender))
            ),
            gender_met=gender == self.mentor_gender[None, :],
            faith=self.faith_table[self.mentee_faith[rows][:, None], self.mentor_faith[None, :]],
        )
        needs = self.needs[rows]
        feasible = np.ones((len(needs), len(self.mentor_gender)), dtype=bool)
        needing = np.flatnonzero(needs >= 0)
        feasible[needing] = self.mentor_languages[:, needs[needing]].T > 0
        return points, feasible

    def paired(self, e: IntArray, m: IntArray) -> dict[str, FloatArray]:
        return _points(
            overlap=common_counts(self.packed_mentee_hours, e, self.packed_mentor_hours, m),
            shared_language=common_counts(
                self.packed_mentee_languages, e, self.packed_mentor_languages, m
            )
            > 0,
            interests=jaccard(
                common_counts(self.packed_mentee_interests, e, self.packed_mentor_interests, m),
                self.mentee_interest_count[e],
                self.mentor_interest_count[m],
            ),
            lived_hits=common_counts(self.packed_wanted, e, self.packed_lived, m),
            wanted_count=self.wanted_count[e],
            gender_met=self.gender_wanted[e] == self.mentor_gender[m],
            faith=self.faith_table[self.mentee_faith[e], self.mentor_faith[m]],
        )


def _spoken(mentee: Mentee) -> frozenset[str]:
    if mentee.needs_language is None:
        return mentee.languages
    return mentee.languages | {mentee.needs_language}


def _points(
    *,
    overlap: FloatArray,
    shared_language: BoolArray,
    interests: FloatArray,
    lived_hits: FloatArray,
    wanted_count: FloatArray,
    gender_met: BoolArray,
    faith: FloatArray,
) -> dict[str, FloatArray]:
    weights = MENTOR_FACTOR_POINTS
    lived_share = np.divide(
        lived_hits, wanted_count, out=np.zeros_like(lived_hits), where=wanted_count > 0
    )
    return {
        "mentor_gender_preference": weights["mentor_gender_preference"]
        * gender_met.astype(np.float64),
        "lived_experience": weights["lived_experience"] * lived_share,
        "shared_language": weights["shared_language"] * shared_language.astype(np.float64),
        "faith_preference": weights["faith_preference"] * faith,
        "shared_interests": weights["shared_interests"] * interests,
        "availability_overlap": weights["availability_overlap"]
        * saturating(overlap, AVAILABILITY_TARGET_HOURS),
    }


def _total(points: Mapping[str, FloatArray]) -> FloatArray:
    return np.asarray(sum(points.values()), dtype=np.float64)


class _Scorer:
    def __init__(
        self,
        mentees: Sequence[Mentee],
        mentors: Sequence[Mentor],
        forbidden: Collection[frozenset[int]],
    ) -> None:
        self.features = _Features(mentees, mentors)
        self.n_mentees = len(mentees)
        self.n_mentors = len(mentors)
        mentee_index = {t.id: i for i, t in enumerate(mentees)}
        mentor_index = {m.id: j for j, m in enumerate(mentors)}
        rows, cols = forbidden_index_pairs(forbidden, mentee_index, mentor_index)
        # Nobody mentors themselves (a mentor may also be someone's mentee).
        own = [(mentee_index[i], mentor_index[i]) for i in mentee_index if i in mentor_index]
        self.forbidden_rows = np.concatenate([rows, np.asarray([a for a, _ in own], np.int64)])
        self.forbidden_cols = np.concatenate([cols, np.asarray([b for _, b in own], np.int64)])

    def block(self, block: slice) -> FloatArray:
        points, feasible = self.features.outer(block)
        scores = np.where(feasible, _total(points), -np.inf)
        mask_block(scores, block, self.forbidden_rows, self.forbidden_cols)
        return scores

    def rows(self, rows: IntArray) -> FloatArray:
        points, feasible = self.features.outer(rows)
        scores = np.where(feasible, _total(points), -np.inf)
        position = {int(row): i for i, row in enumerate(rows)}
        inside = np.isin(self.forbidden_rows, rows)
        for row, col in zip(
            self.forbidden_rows[inside].tolist(), self.forbidden_cols[inside].tolist(), strict=True
        ):
            scores[position[row], col] = -np.inf
        return scores

    def candidate_edges(self, k: int) -> tuple[IntArray, IntArray]:
        """Each mentee's k best mentors, union each mentor's k best mentees."""
        es: list[IntArray] = []
        ms: list[IntArray] = []
        # Running best-k mentees per mentor across row blocks.
        best_scores = np.full((0, self.n_mentors), -np.inf)
        best_rows = np.zeros((0, self.n_mentors), dtype=np.int64)
        for block in row_blocks(self.n_mentees):
            scores = self.block(block)
            rows, cols = top_k_columns(scores, k)
            es.append(rows + block.start)
            ms.append(cols)
            merged_scores = np.vstack([best_scores, scores])
            merged_rows = np.vstack(
                [
                    best_rows,
                    np.broadcast_to(
                        np.arange(block.start, block.stop)[:, None],
                        (block.stop - block.start, self.n_mentors),
                    ),
                ]
            )
            if len(merged_scores) > k:
                keep = np.argpartition(-merged_scores, k - 1, axis=0)[:k]
                merged_scores = np.take_along_axis(merged_scores, keep, axis=0)
                merged_rows = np.take_along_axis(merged_rows, keep, axis=0)
            best_scores, best_rows = merged_scores, merged_rows
        finite = np.isfinite(best_scores)
        mentor_cols = np.broadcast_to(np.arange(self.n_mentors), best_scores.shape)
        es.append(best_rows[finite])
        ms.append(mentor_cols[finite].astype(np.int64))
        return _unique_edges(np.concatenate(es), np.concatenate(ms), self.n_mentors)


def _unique_edges(e: IntArray, m: IntArray, n_mentors: int) -> tuple[IntArray, IntArray]:
    keys = np.unique(e * n_mentors + m)
    return (keys // n_mentors).astype(np.int64), (keys % n_mentors).astype(np.int64)


def _solve(
    *, n_mentees: int, capacity: IntArray, e: IntArray, m: IntArray, weight: IntArray
) -> tuple[IntArray, IntArray]:
    """Chosen (mentee, mentor) edges: max cardinality, then max total weight."""
    if len(e) == 0 or n_mentees == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    # Slot s of mentor j is column slot_start[j] + s; every edge to j is repeated
    # for each of j's slots.
    slot_start = np.concatenate([[0], np.cumsum(capacity)[:-1]]).astype(np.int64)
    n_slots = int(capacity.sum())
    repeats = capacity[m]
    edge_of = np.repeat(np.arange(len(e)), repeats)
    first_of_edge = np.cumsum(repeats) - repeats
    slot = slot_start[m[edge_of]] + (np.arange(len(edge_of)) - first_of_edge[edge_of])
    # Integer costs (exact in float64 below 2**53): a real edge always beats a
    # "left unmatched" column by more than all scores together can differ.
    bonus = int(weight.max()) * min(n_mentees, n_slots) + 1
    ceiling = bonus + int(weight.max()) + 1  # keeps every cost positive (no explicit zeros)
    edge_costs = ceiling - (bonus + weight[edge_of])
    # LAPJVsp augments once per row, so the smaller side is the rows (slots when
    # mentors are scarce, as usual: 4-5x faster at 10,000 x 2,000). Each row gets
    # a private "unmatched" column so a full matching always exists.
    slots_are_rows = n_slots <= n_mentees
    n_rows, n_cols = (n_slots, n_mentees) if slots_are_rows else (n_mentees, n_slots)
    edge_rows, edge_cols = (slot, e[edge_of]) if slots_are_rows else (e[edge_of], slot)
    costs = np.concatenate([edge_costs, np.full(n_rows, ceiling, dtype=np.int64)])
    matrix = sp.csr_array(
        (
            costs.astype(np.float64),
            (
                np.concatenate([edge_rows, np.arange(n_rows)]),
                np.concatenate([edge_cols, n_cols + np.arange(n_rows)]),
            ),
        ),
        shape=(n_rows, n_cols + n_rows),
    )
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    real = col_ind < n_cols
    slot_owner = np.repeat(np.arange(len(capacity)), capacity)
    if slots_are_rows:
        return col_ind[real].astype(np.int64), slot_owner[row_ind[real]].astype(np.int64)
    return row_ind[real].astype(np.int64), slot_owner[col_ind[real]].astype(np.int64)


def assign_mentors(
    *,
    mentors: Sequence[Mentor],
    mentees: Sequence[Mentee],
    partners: Collection[frozenset[int]],
    do_not_pair: Collection[frozenset[int]],
    seed: int,
    top_k: int = 30,
) -> MentorResult:
    """Assign mentees to mentors within capacity (see the module doc)."""
    check_unique_ids((m.id for m in mentors), what="mentors")
    check_unique_ids((t.id for t in mentees), what="mentees")
    for mentor in mentors:
        if not 1 <= mentor.capacity <= MAX_CAPACITY:
            raise ValueError(f"capacity of mentor {mentor.id}: must be 1..{MAX_CAPACITY}")
    if top_k < 1:
        raise ValueError("top_k: must be at least 1")
    forbidden = forbidden_pairs(partners=partners, do_not_pair=do_not_pair)
    # Seeded order: only decides between equally good assignments.
    rng = np.random.default_rng(seed)
    mentor_pool = sorted(mentors, key=lambda m: m.id)
    mentee_pool = sorted(mentees, key=lambda t: t.id)
    mentor_pool = [mentor_pool[i] for i in rng.permutation(len(mentor_pool)).tolist()]
    mentee_pool = [mentee_pool[i] for i in rng.permutation(len(mentee_pool)).tolist()]
    capacity = np.asarray([m.capacity for m in mentor_pool], dtype=np.int64)

    scorer = _Scorer(mentee_pool, mentor_pool, forbidden)
    e, m = scorer.candidate_edges(top_k)
    chosen_e = chosen_m = np.zeros(0, dtype=np.int64)
    for repair_round in range(MAX_REPAIR_ROUNDS + 1):
        points = scorer.features.paired(e, m)
        weight = solver_weights(_total(points))
        chosen_e, chosen_m = _solve(
            n_mentees=len(mentee_pool), capacity=capacity, e=e, m=m, weight=weight
        )
        spare = np.flatnonzero(np.bincount(chosen_m, minlength=len(capacity)) < capacity)
        assigned = np.zeros(len(mentee_pool), dtype=bool)
        assigned[chosen_e] = True
        waiting = np.flatnonzero(~assigned).astype(np.int64)
        if len(spare) == 0 or len(waiting) == 0 or repair_round == MAX_REPAIR_ROUNDS:
            break
        # Direct edges from waiting mentees to mentors with room: what a top-k
        # cut most often hides is exactly such a one-step improvement.
        reachable = np.isfinite(scorer.rows(waiting)[:, spare])
        rows, cols = np.nonzero(reachable)
        new_e, new_m = _unique_edges(
            np.concatenate([e, waiting[rows]]), np.concatenate([m, spare[cols]]), len(capacity)
        )
        if len(new_e) == len(e):
            break
        e, m = new_e, new_m

    graph = MentorGraph(
        mentee_ids=tuple(t.id for t in mentee_pool),
        mentor_ids=tuple(x.id for x in mentor_pool),
        capacity=capacity,
        e=e,
        m=m,
        weight=weight,
        points=_total(points),
    )
    match_points = scorer.features.paired(chosen_e, chosen_m)
    match_total = _total(match_points)
    edge_index = {key: i for i, key in enumerate((e * len(capacity) + m).tolist())}
    chosen_weight = sum(
        int(weight[edge_index[a * len(capacity) + b]])
        for a, b in zip(chosen_e.tolist(), chosen_m.tolist(), strict=True)
    )
    matches = [
        MentorMatch(
            mentor_id=mentor_pool[b].id,
            mentee_id=mentee_pool[a].id,
            explanation=Explanation.from_points(
                {key: float(values[i]) for key, values in match_points.items()}
            ),
        )
        for i, (a, b) in enumerate(zip(chosen_e.tolist(), chosen_m.tolist(), strict=True))
    ]
    assigned_ids = {match.mentee_id for match in matches}
    return MentorResult(
        matches=tuple(sorted(matches, key=lambda x: (x.mentor_id, x.mentee_id))),
        unassigned=tuple(sorted(t.id for t in mentees if t.id not in assigned_ids)),
        total_score=float(match_total.sum()),
        solver_weight=chosen_weight,
        graph=graph,
    )
