"""Zero-repeat schedules from finite geometry, for planning many rounds.

Week-by-week optimisation is myopic: early rounds can leave later ones no
zero-repeat option (for 32 people in 8 rooms of 4 it stalls around week 6-7).
The classical fix for the social golfer problem is a construction: in the
affine plane over GF(q) two points share at most one line, and each slope's
lines partition the plane. Take the k*q points {x in S} x GF(q) for a set S of
k field elements: each slope m gives a round whose rooms are the lines
y = m*x + b (k points each), and if k divides q the vertical lines x = c,
cut into runs of k, give one more round. So q rooms of k people get q or q+1
rounds with no pair ever repeated: 9 weeks for 32 people in 8 rooms of 4,
4 for 9 people in 3 rooms of 3 (both optimal or best known for this method).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ._problem import IntArray

# Irreducible polynomials, lowest coefficient first, for the prime-power
# orders we construct (prime orders need none).
_MODULI: dict[tuple[int, int], tuple[int, ...]] = {
    (2, 2): (1, 1, 1),
    (2, 3): (1, 1, 0, 1),
    (2, 4): (1, 1, 0, 0, 1),
    (2, 5): (1, 0, 1, 0, 0, 1),
    (2, 6): (1, 1, 0, 0, 0, 0, 1),
    (3, 2): (1, 0, 1),
    (3, 3): (1, 2, 0, 1),
    (5, 2): (2, 0, 1),
    (7, 2): (1, 0, 1),
}


def _prime_power(q: int) -> tuple[int, int] | None:
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    m, rest = 0, q
    while rest % p == 0:
        rest //= p
        m += 1
    return (p, m) if rest == 1 else None


@cache
def _field(q: int) -> tuple[IntArray, IntArray] | None:
    """Addition and multiplication tables of GF(q); elements are integers
    whose base-p digits are polynomial coefficients."""
    found = _prime_power(q)
    if found is None:
        return None
    p, m = found
    if m == 1:
        values = np.arange(q)
        return (values[:, None] + values[None, :]) % p, (values[:, None] * values[None, :]) % p
    modulus = _MODULI.get((p, m))
    if modulus is None:
        return None

    def digits(x: int) -> list[int]:
        return [(x // p**i) % p for i in range(m)]

    def number(coefficients: list[int]) -> int:
        return sum(c * p**i for i, c in enumerate(coefficients))

    add = np.zeros((q, q), dtype=np.int64)
    mul = np.zeros((q, q), dtype=np.int64)
    for a in range(q):
        da = digits(a)
        for b in range(q):
            db = digits(b)
            add[a, b] = number([(x + y) % p for x, y in zip(da, db, strict=True)])
            product = [0] * (2 * m - 1)
            for i, x in enumerate(da):
                for j, y in enumerate(db):
                    product[i + j] = (product[i + j] + x * y) % p
            # Reduce by the monic modulus from the top degree down.
            for top in range(2 * m - 2, m - 1, -1):
                factor = product[top]
                if factor:
                    for i, c in enumerate(modulus):
                        product[top - m + i] = (product[top - m + i] - factor * c) % p
            mul[a, b] = number(product[:m])
    return add, mul


def affine_rounds(person_count: int, room_count: int) -> list[list[list[int]]]:
    """Rounds of rooms of person indices with no pair repeated, or [] when no
    construction fits (room_count must be a supported prime power q, and the
    people must fill q rooms of k <= q exactly)."""
    q = room_count
    if q < 2 or person_count % q:
        return []
    k = person_count // q
    if not 2 <= k <= q:
        return []
    field = _field(q)
    if field is None:
        return []
    add, mul = field
    # Person i is the point (x, y) = (i // q, i % q): x runs over k elements.
    xs = np.arange(person_count) // q
    ys = np.arange(person_count) % q
    negative = np.array([int(np.flatnonzero(add[v] == 0)[0]) for v in range(q)])
    rounds = []
    for slope in range(q):
        # The line through (x, y) with this slope crosses x = 0 at b = y - m*x.
        intercept = add[ys, negative[mul[slope, xs]]]
        rounds.append([np.flatnonzero(intercept == b).tolist() for b in range(q)])
    if q % k == 0:
        runs = q // k
        rounds.append(
            [
                np.flatnonzero((xs == x) & (ys // k == r)).tolist()
                for x in range(k)
                for r in range(runs)
            ]
        )
    return rounds
