"""Buddy pairing: hard constraints, maximum cardinality, exact optimality
(networkx as the oracle on the identical candidate edges), trios, determinism."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonroom.matching.pairing import (
    BUDDY_FACTOR_LABELS,
    BUDDY_FACTOR_POINTS,
    BuddyCandidate,
    BuddyResult,
    pair_buddies,
)

PROPERTY = settings(max_examples=40, deadline=None)


def person(
    person_id: int,
    *,
    consenting: bool = True,
    active: bool = True,
    languages: frozenset[str] = frozenset({"en"}),
    phase: str = "core",
    affinities: frozenset[str] = frozenset(),
    availability: frozenset[int] = frozenset({18, 19, 20}),
    checkin_rate: float = 0.5,
) -> BuddyCandidate:
    return BuddyCandidate(
        id=person_id,
        consenting=consenting,
        active=active,
        languages=languages,
        phase=phase,
        affinities_for_matching=affinities,
        availability=availability,
        checkin_rate=checkin_rate,
    )


@st.composite
def instances(
    draw: st.DrawFn, max_people: int = 10
) -> tuple[list[BuddyCandidate], list[frozenset[int]], list[frozenset[int]]]:
    n = draw(st.integers(min_value=0, max_value=max_people))
    people = [
        person(
            i + 1,
            consenting=draw(st.integers(0, 3)) > 0,
            active=draw(st.integers(0, 9)) > 0,
            languages=draw(st.frozensets(st.sampled_from(["en", "es", "vi"]), max_size=2)),
            phase=draw(st.sampled_from(["orientation", "core", "step-down"])),
            affinities=draw(st.frozensets(st.sampled_from(["parents", "music", "vets"]))),
            availability=draw(st.frozensets(st.integers(0, 167), max_size=12)),
            checkin_rate=draw(st.floats(0.0, 1.0)),
        )
        for i in range(n)
    ]
    all_pairs = [frozenset(p) for p in itertools.combinations(range(1, n + 1), 2)]
    if all_pairs:
        partners = draw(st.lists(st.sampled_from(all_pairs), max_size=2))
        do_not_pair = draw(st.lists(st.sampled_from(all_pairs), max_size=n))
    else:
        partners, do_not_pair = [], []
    return people, partners, do_not_pair


def eligible_graph(people: list[BuddyCandidate], forbidden: set[frozenset[int]]) -> nx.Graph[int]:
    """Every allowed pair among eligible people, built straight from the inputs."""
    graph: nx.Graph[int] = nx.Graph()
    eligible = [p.id for p in people if p.consenting and p.active]
    graph.add_nodes_from(eligible)
    graph.add_edges_from(
        (a, b) for a, b in itertools.combinations(eligible, 2) if frozenset((a, b)) not in forbidden
    )
    return graph


def oracle_weight(result: BuddyResult) -> int:
    """networkx's exact optimum on the candidate edges our solver saw."""
    graph: nx.Graph[int] = nx.Graph()
    graph.add_weighted_edges_from(
        zip(
            result.graph.u.tolist(),
            result.graph.v.tolist(),
            result.graph.weight.tolist(),
            strict=True,
        )
    )
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return sum(int(graph.edges[a, b]["weight"]) for a, b in matching)


@PROPERTY
@given(instances(), st.integers(0, 3))
def test_hard_constraints_hold_and_everyone_eligible_is_placed_once(
    instance: tuple[list[BuddyCandidate], list[frozenset[int]], list[frozenset[int]]], seed: int
) -> None:
    people, partners, do_not_pair = instance
    result = pair_buddies(people=people, partners=partners, do_not_pair=do_not_pair, seed=seed)
    forbidden = set(partners) | set(do_not_pair)
    eligible = {p.id for p in people if p.consenting and p.active}
    placed = [member for group in result.groups for member in group.members]
    assert sorted(placed + list(result.offer_mentor)) == sorted(eligible)
    assert set(result.not_eligible) == {p.id for p in people} - eligible
    for group in result.groups:
        assert len(group.members) in (2, 3)
        for pair in itertools.combinations(group.members, 2):
            assert frozenset(pair) not in forbidden


@PROPERTY
@given(instances())
def test_matching_has_maximum_cardinality(
    instance: tuple[list[BuddyCandidate], list[frozenset[int]], list[frozenset[int]]],
) -> None:
    people, partners, do_not_pair = instance
    result = pair_buddies(people=people, partners=partners, do_not_pair=do_not_pair, seed=0)
    best = nx.max_weight_matching(
        eligible_graph(people, set(partners) | set(do_not_pair)), maxcardinality=True
    )
    assert len(result.pairs) + len(result.trios) == len(best)
    if 2 * len(best) == sum(1 for p in people if p.consenting and p.active):
        assert result.offer_mentor == ()
        assert result.trios == ()


@PROPERTY
@given(instances(), st.integers(0, 3))
def test_total_weight_equals_networkx_optimum_on_identical_edges(
    instance: tuple[list[BuddyCandidate], list[frozenset[int]], list[frozenset[int]]], seed: int
) -> None:
    people, partners, do_not_pair = instance
    result = pair_buddies(people=people, partners=partners, do_not_pair=do_not_pair, seed=seed)
    assert result.solver_weight == oracle_weight(result)


def test_sparse_graph_optimum_matches_networkx_on_identical_edges() -> None:
    rng = random.Random(11)
    people = [
        person(
            i,
            languages=frozenset(rng.sample(["en", "es"], rng.randint(1, 2))),
            phase=rng.choice(["a", "b", "c"]),
            affinities=frozenset(rng.sample(["x", "y", "z", "w"], rng.randint(0, 3))),
            availability=frozenset(rng.sample(range(168), rng.randint(0, 20))),
            checkin_rate=rng.random(),
        )
        for i in range(1, 122)
    ]
    do_not_pair = [frozenset(rng.sample(range(1, 122), 2)) for _ in range(30)]
    result = pair_buddies(people=people, partners=[], do_not_pair=do_not_pair, seed=3, top_k=5)
    assert len(result.graph.u) < 121 * 120 / 2 / 4  # genuinely sparse
    assert result.solver_weight == oracle_weight(result)
    assert len(result.pairs) + len(result.trios) == 60
    assert len(result.trios) == 1
    assert result.offer_mentor == ()


def test_same_seed_gives_same_result_whatever_the_input_order() -> None:
    rng = random.Random(5)
    people = [
        person(i, availability=frozenset(rng.sample(range(168), 6)), checkin_rate=rng.random())
        for i in range(1, 40)
    ]
    first = pair_buddies(people=people, partners=[], do_not_pair=[], seed=9)
    shuffled = people[:]
    rng.shuffle(shuffled)
    again = pair_buddies(people=shuffled, partners=[], do_not_pair=[], seed=9)
    assert again == first
    assert again.total_weight == first.total_weight


def test_odd_person_out_joins_the_pair_they_fit_best_as_a_trio() -> None:
    evenings = frozenset(range(18, 24))
    mornings = frozenset(range(7, 12))
    people = [
        person(1, availability=evenings),
        person(2, availability=evenings),
        person(3, availability=mornings),
        person(4, availability=mornings),
        person(5, availability=mornings | {60}),
    ]
    result = pair_buddies(people=people, partners=[], do_not_pair=[], seed=0)
    assert result.offer_mentor == ()
    assert len(result.pairs) == 1
    (trio,) = result.trios
    assert trio.is_trio
    assert set(trio.members) == {3, 4, 5}
    assert result.pairs[0].members == (1, 2)


def test_odd_person_out_needs_both_members_allowed_to_join_a_trio() -> None:
    people = [person(1), person(2), person(3)]
    result = pair_buddies(people=people, partners=[frozenset({1, 3})], do_not_pair=[], seed=0)
    assert result.trios == ()
    assert len(result.pairs) == 1
    assert 2 in result.pairs[0].members
    assert len(result.offer_mentor) == 1


def test_people_who_can_be_paired_with_nobody_are_offered_a_mentor() -> None:
    people = [person(1), person(2), person(3, consenting=False), person(4, active=False)]
    result = pair_buddies(people=people, partners=[frozenset({1, 2})], do_not_pair=[], seed=0)
    assert result.groups == ()
    assert result.offer_mentor == (1, 2)
    assert result.not_eligible == (3, 4)


def test_person_with_a_single_allowed_partner_is_still_paired_on_a_sparse_graph() -> None:
    # Person 1 may only pair with person 2, who is nobody's top choice: the
    # top-k graph misses that edge and the repair pass must bring it back.
    people = [person(1, availability=frozenset()), person(2, availability=frozenset())]
    people += [person(i, availability=frozenset(range(0, 168, 2))) for i in range(3, 40)]
    do_not_pair = [frozenset({1, i}) for i in range(3, 40)]
    result = pair_buddies(people=people, partners=[], do_not_pair=do_not_pair, seed=1, top_k=2)
    assert (1, 2) in {group.members[:2] for group in result.groups}
    assert len(result.offer_mentor) + len(result.trios) == 1


def test_every_pair_has_an_explanation_naming_factors_not_values() -> None:
    people = [
        person(1, languages=frozenset({"es"}), affinities=frozenset({"veterans"})),
        person(2, languages=frozenset({"es"}), affinities=frozenset({"veterans"})),
    ]
    (pair,) = pair_buddies(people=people, partners=[], do_not_pair=[], seed=0).pairs
    explanation = pair.explanation.as_dict()
    assert set(explanation) <= set(BUDDY_FACTOR_POINTS)
    assert set(BUDDY_FACTOR_LABELS) == set(BUDDY_FACTOR_POINTS)
    assert explanation["shared_language"] == BUDDY_FACTOR_POINTS["shared_language"]
    assert explanation["shared_interests"] == BUDDY_FACTOR_POINTS["shared_interests"]
    assert pair.explanation.total == pytest.approx(sum(explanation.values()), abs=0.01)
    assert "veterans" not in repr(pair)


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ([person(1), person(1)], "more than once"),
        ([person(1, availability=frozenset({168}))], "0..167"),
        ([person(1, checkin_rate=1.5)], "checkin_rate"),
    ],
)
def test_bad_input_is_refused_naming_the_field(people: list[BuddyCandidate], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        pair_buddies(people=people, partners=[], do_not_pair=[], seed=0)


def test_a_constraint_must_name_two_people() -> None:
    with pytest.raises(ValueError, match="do_not_pair"):
        pair_buddies(people=[person(1)], partners=[], do_not_pair=[frozenset({1})], seed=0)
