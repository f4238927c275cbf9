"""Shared pieces of compatibility scoring for buddy pairing and mentor assignment.

Everything here is vectorised numpy: people become rows of 0/1 matrices (one
column per availability hour, language, interest...), so "how much do these two
share" is a matrix product instead of a Python loop over all pairs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

HOURS_PER_WEEK = 168

#: The solvers work on integers (rustworkx's matching only takes int weights, and
#: integer costs keep scipy's assignment exact), so a score of 1.0 point becomes
#: 100 solver units: each edge is rounded to within 0.005 points, and the chosen
#: matching's score is within (number of matches) x 0.01 points of the best one
#: under unrounded scores. Scores are sums of heuristic factors worth 1-3 points
#: each; a hundredth of a point is noise, and the coarser grid makes rustworkx's
#: blossom solver about twice as fast at 3,000 people (fewer distinct duals)
#: than a 1/10,000 grid did.
SCORE_SCALE = 100

#: Rows scored at once: bounds memory to ROW_BLOCK x (people) floats per matrix.
ROW_BLOCK = 512


@dataclass(frozen=True, kw_only=True)
class Explanation:
    """Why a match was made: points per factor, largest first.

    Keys name a factor, never a value: "shared_interests", not which interests,
    so an explanation can be shown to either person without disclosing anything
    about the other (affinity groups and lived experience are sensitive).
    """

    contributions: tuple[tuple[str, float], ...]
    total: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.contributions)

    @classmethod
    def from_points(cls, points: Mapping[str, float]) -> Explanation:
        # Rounded for display only; the solver used the unrounded points.
        kept = [(key, round(value, 3)) for key, value in points.items() if value > 0.0]
        kept.sort(key=lambda item: (-item[1], item[0]))
        return cls(contributions=tuple(kept), total=round(sum(points.values()), 3))


def check_unique_ids(ids: Iterable[int], *, what: str) -> None:
    seen: set[int] = set()
    for person_id in ids:
        if person_id in seen:
            raise ValueError(f"{what}: id {person_id} appears more than once")
        seen.add(person_id)


def forbidden_pairs(
    *, partners: Collection[frozenset[int]], do_not_pair: Collection[frozenset[int]]
) -> set[frozenset[int]]:
    """Union of the pairs that must never be matched, validated."""
    forbidden: set[frozenset[int]] = set()
    for name, pairs in (("partners", partners), ("do_not_pair", do_not_pair)):
        for pair in pairs:
            if len(pair) != 2:
                raise ValueError(f"{name}: each entry must hold two different ids, got {pair!r}")
            forbidden.add(frozenset(pair))
    return forbidden


def forbidden_index_pairs(
    forbidden: Collection[frozenset[int]],
    row_index: Mapping[int, int],
    col_index: Mapping[int, int],
) -> tuple[IntArray, IntArray]:
    """(rows, cols) of forbidden pairs in both orientations; unknown ids are skipped
    because constraint lists cover the whole program, not only this pool."""
    rows: list[int] = []
    cols: list[int] = []
    for pair in forbidden:
        a, b = tuple(pair)
        for x, y in ((a, b), (b, a)):
            if x in row_index and y in col_index:
                rows.append(row_index[x])
                cols.append(col_index[y])
    return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)


def vocabulary(*collections: Iterable[Collection[str]]) -> dict[str, int]:
    """Column index per distinct tag, sorted so the encoding does not depend on input order."""
    tags: set[str] = set()
    for collection in collections:
        for tag_set in collection:
            tags.update(tag_set)
    return {tag: index for index, tag in enumerate(sorted(tags))}


def membership_matrix(tag_sets: Sequence[Collection[str]], vocab: Mapping[str, int]) -> FloatArray:
    matrix = np.zeros((len(tag_sets), max(len(vocab), 1)), dtype=np.float64)
    for row, tag_set in enumerate(tag_sets):
        columns = [vocab[tag] for tag in tag_set if tag in vocab]
        matrix[row, columns] = 1.0
    return matrix


def availability_matrix(slots: Sequence[frozenset[int]], ids: Sequence[int]) -> FloatArray:
    """One row per person, one column per UTC hour of the week (0 = Monday 00:00 UTC).

    Callers convert each person's local weekly windows to UTC hours first, so two
    people in different time zones are compared on the same clock.
    """
    matrix = np.zeros((len(slots), HOURS_PER_WEEK), dtype=np.float64)
    for row, (hours, person_id) in enumerate(zip(slots, ids, strict=True)):
        columns = list(hours)
        if any(not 0 <= hour < HOURS_PER_WEEK for hour in columns):
            raise ValueError(f"availability of {person_id}: hours must be in 0..167 (UTC)")
        matrix[row, columns] = 1.0
    return matrix


def row_blocks(n_rows: int, block: int = ROW_BLOCK) -> Iterator[slice]:
    for start in range(0, n_rows, block):
        yield slice(start, min(start + block, n_rows))


def mask_block(
    scores: FloatArray, block: slice, forbidden_rows: IntArray, forbidden_cols: IntArray
) -> None:
    """Set forbidden pairs inside a row block to -inf (in place)."""
    start = block.start
    inside = (forbidden_rows >= start) & (forbidden_rows < block.stop)
    scores[forbidden_rows[inside] - start, forbidden_cols[inside]] = -np.inf


def top_k_columns(scores: FloatArray, k: int) -> tuple[IntArray, IntArray]:
    """(row, col) of each row's k best finite entries (fewer if a row has fewer)."""
    n_rows, n_cols = scores.shape
    if n_rows == 0 or n_cols == 0 or k <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    if k < n_cols:
        # argpartition is O(n) per row; the full order of the k best does not matter.
        cols = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        cols = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols))
    rows = np.broadcast_to(np.arange(n_rows)[:, None], cols.shape)
    keep = np.isfinite(scores[rows, cols])
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64)


def solver_weights(points: FloatArray) -> IntArray:
    """Integer solver weights: 1 + points x SCORE_SCALE, rounded.

    The +1 keeps every candidate edge strictly positive (a zero-point pair is
    still a valid match, and scipy's sparse matrices drop explicit zeros).
    """
    return (np.rint(points * SCORE_SCALE).astype(np.int64) + 1).astype(np.int64)


def saturating(values: FloatArray, at: float) -> FloatArray:
    """values / at, capped at 1: beyond `at` hours of overlap more adds nothing."""
    return np.minimum(values, at) / at


def jaccard(intersection: FloatArray, size_a: FloatArray, size_b: FloatArray) -> FloatArray:
    union = size_a + size_b - intersection
    return np.divide(intersection, union, out=np.zeros_like(intersection), where=union > 0)


def pack_bits(matrix: FloatArray) -> npt.NDArray[np.uint8]:
    """Rows of a 0/1 matrix as bytes, so per-edge overlaps are popcounts of a few
    bytes instead of gathers of whole float rows (168 floats per person)."""
    return np.packbits(matrix > 0, axis=1)


def common_counts(
    left: npt.NDArray[np.uint8], a: IntArray, right: npt.NDArray[np.uint8], b: IntArray
) -> FloatArray:
    """How many 1s rows left[a[i]] and right[b[i]] share, for each i (exact integers)."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.float64)
    shared = np.bitwise_count(left[a] & right[b]).sum(axis=1, dtype=np.int64)
    return shared.astype(np.float64)
