"""Mentor assignment: capacity, hard constraints, most mentees assigned, exact
optimality against networkx's min-cost flow and brute force, explanations."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonroom.matching.mentors import (
    MENTOR_FACTOR_LABELS,
    MENTOR_FACTOR_POINTS,
    Mentee,
    Mentor,
    MentorResult,
    assign_mentors,
)

PROPERTY = settings(max_examples=60, deadline=None)
LANGUAGES = ["en", "es", "vi"]
FAITHS = ["", "secular", "spiritual", "christian", "muslim"]
TAGS = ["a", "b", "c"]


def mentor(
    mentor_id: int,
    *,
    capacity: int = 2,
    languages: frozenset[str] = frozenset({"en"}),
    gender: str = "woman",
    faith: str = "",
    availability: frozenset[int] = frozenset({18, 19}),
    lived_experience: frozenset[str] = frozenset(),
    affinities: frozenset[str] = frozenset(),
) -> Mentor:
    return Mentor(
        id=mentor_id,
        capacity=capacity,
        languages=languages,
        gender=gender,
        faith=faith,
        availability=availability,
        lived_experience=lived_experience,
        affinities=affinities,
    )


def mentee(
    mentee_id: int,
    *,
    languages: frozenset[str] = frozenset({"en"}),
    needs_language: str | None = None,
    gender_preference: str | None = None,
    faith: str = "",
    availability: frozenset[int] = frozenset({18, 19}),
    wanted: frozenset[str] = frozenset(),
    affinities: frozenset[str] = frozenset(),
) -> Mentee:
    return Mentee(
        id=mentee_id,
        languages=languages,
        needs_language=needs_language,
        mentor_gender_preference=gender_preference,
        faith=faith,
        availability=availability,
        lived_experience_wanted=wanted,
        affinities=affinities,
    )


Instance = tuple[list[Mentor], list[Mentee], list[frozenset[int]], list[frozenset[int]]]


@st.composite
def instances(draw: st.DrawFn, max_mentors: int = 4, max_mentees: int = 9) -> Instance:
    tags = st.frozensets(st.sampled_from(TAGS), max_size=2)
    hours = st.frozensets(st.integers(0, 167), max_size=8)
    languages = st.frozensets(st.sampled_from(LANGUAGES), max_size=2)
    mentors = [
        mentor(
            100 + j,
            capacity=draw(st.integers(1, 5)),
            languages=draw(languages),
            gender=draw(st.sampled_from(["woman", "man", "nonbinary"])),
            faith=draw(st.sampled_from(FAITHS)),
            availability=draw(hours),
            lived_experience=draw(tags),
            affinities=draw(tags),
        )
        for j in range(draw(st.integers(0, max_mentors)))
    ]
    mentees = [
        mentee(
            i,
            languages=draw(languages),
            needs_language=draw(st.one_of(st.none(), st.sampled_from(LANGUAGES))),
            gender_preference=draw(st.sampled_from([None, "woman", "man", "agender"])),
            faith=draw(st.sampled_from(FAITHS)),
            availability=draw(hours),
            wanted=draw(tags),
            affinities=draw(tags),
        )
        for i in range(1, draw(st.integers(0, max_mentees)) + 1)
    ]
    all_pairs = [frozenset((t.id, m.id)) for t in mentees for m in mentors]
    if all_pairs:
        partners = draw(st.lists(st.sampled_from(all_pairs), max_size=2))
        do_not_pair = draw(st.lists(st.sampled_from(all_pairs), max_size=6))
    else:
        partners, do_not_pair = [], []
    return mentors, mentees, partners, do_not_pair


def allowed(t: Mentee, m: Mentor, forbidden: set[frozenset[int]]) -> bool:
    """The documented hard constraints, restated independently of the implementation."""
    if frozenset((t.id, m.id)) in forbidden:
        return False
    return t.needs_language is None or t.needs_language in m.languages


def most_assignable(
    mentors: list[Mentor], mentees: list[Mentee], forbidden: set[frozenset[int]]
) -> int:
    """Max flow over every allowed pair: how many mentees could get a mentor."""
    graph: nx.DiGraph[object] = nx.DiGraph()
    graph.add_node("s")
    graph.add_node("t")
    for t in mentees:
        graph.add_edge("s", ("e", t.id), capacity=1)
        for m in mentors:
            if allowed(t, m, forbidden):
                graph.add_edge(("e", t.id), ("m", m.id), capacity=1)
    for m in mentors:
        graph.add_edge(("m", m.id), "t", capacity=m.capacity)
    return int(nx.maximum_flow_value(graph, "s", "t"))


def oracle(result: MentorResult) -> tuple[int, int]:
    """networkx min-cost max-flow on our candidate edges: (assigned, total weight)."""
    g = result.graph
    graph: nx.DiGraph[object] = nx.DiGraph()
    graph.add_node("s")
    graph.add_node("t")
    for i in range(len(g.mentee_ids)):
        graph.add_edge("s", ("e", i), capacity=1, weight=0)
    for a, b, w in zip(g.e.tolist(), g.m.tolist(), g.weight.tolist(), strict=True):
        graph.add_edge(("e", a), ("m", b), capacity=1, weight=-w)
    for j, cap in enumerate(g.capacity.tolist()):
        graph.add_edge(("m", j), "t", capacity=cap, weight=0)
    flow = nx.max_flow_min_cost(graph, "s", "t")
    return sum(flow["s"].values()), -int(nx.cost_of_flow(graph, flow))


@PROPERTY
@given(instances(), st.integers(0, 3))
def test_capacity_and_hard_constraints_always_hold(instance: Instance, seed: int) -> None:
    mentors, mentees, partners, do_not_pair = instance
    result = assign_mentors(
        mentors=mentors, mentees=mentees, partners=partners, do_not_pair=do_not_pair, seed=seed
    )
    forbidden = set(partners) | set(do_not_pair)
    by_id = {m.id: m for m in mentors}
    mentee_by_id = {t.id: t for t in mentees}
    load: dict[int, int] = {}
    for match in result.matches:
        load[match.mentor_id] = load.get(match.mentor_id, 0) + 1
        assert allowed(mentee_by_id[match.mentee_id], by_id[match.mentor_id], forbidden)
    assert all(load[j] <= by_id[j].capacity for j in load)
    assigned = [match.mentee_id for match in result.matches]
    assert len(assigned) == len(set(assigned))
    assert sorted(assigned + list(result.unassigned)) == sorted(mentee_by_id)


@PROPERTY
@given(instances())
def test_every_mentee_who_can_have_a_mentor_gets_one(instance: Instance) -> None:
    mentors, mentees, partners, do_not_pair = instance
    result = assign_mentors(
        mentors=mentors, mentees=mentees, partners=partners, do_not_pair=do_not_pair, seed=0
    )
    forbidden = set(partners) | set(do_not_pair)
    assert len(result.matches) == most_assignable(mentors, mentees, forbidden)


@PROPERTY
@given(instances(), st.integers(0, 3))
def test_optimum_equals_networkx_min_cost_flow_on_identical_edges(
    instance: Instance, seed: int
) -> None:
    mentors, mentees, partners, do_not_pair = instance
    result = assign_mentors(
        mentors=mentors, mentees=mentees, partners=partners, do_not_pair=do_not_pair, seed=seed
    )
    assert (len(result.matches), result.solver_weight) == oracle(result)


def test_optimum_equals_brute_force_on_a_tiny_instance() -> None:
    rng = random.Random(2)
    mentors = [
        mentor(
            100 + j,
            capacity=c,
            availability=frozenset(rng.sample(range(168), 5)),
            affinities=frozenset(rng.sample(TAGS, 2)),
            faith=rng.choice(FAITHS),
        )
        for j, c in enumerate([1, 2, 1])
    ]
    mentees = [
        mentee(
            i,
            availability=frozenset(rng.sample(range(168), 5)),
            affinities=frozenset(rng.sample(TAGS, 1)),
            faith=rng.choice(FAITHS),
            gender_preference=rng.choice([None, "woman", "man"]),
        )
        for i in range(1, 6)
    ]
    result = assign_mentors(mentors=mentors, mentees=mentees, partners=[], do_not_pair=[], seed=0)
    g = result.graph
    weight = {
        (g.mentee_ids[a], g.mentor_ids[b]): w
        for a, b, w in zip(g.e.tolist(), g.m.tolist(), g.weight.tolist(), strict=True)
    }
    best = (0, 0)
    # Each mentee picks a mentor or nobody (None); keep those within capacity.
    for choice in itertools.product([None, *[m.id for m in mentors]], repeat=len(mentees)):
        if any(choice.count(m.id) > m.capacity for m in mentors):
            continue
        picked = [(t.id, c) for t, c in zip(mentees, choice, strict=True) if c is not None]
        best = max(best, (len(picked), sum(weight[p] for p in picked)))
    assert (len(result.matches), result.solver_weight) == best == (4, best[1])


def test_same_seed_gives_same_result_whatever_the_input_order() -> None:
    rng = random.Random(8)
    mentors = [mentor(100 + j, availability=frozenset(rng.sample(range(168), 4))) for j in range(6)]
    mentees = [mentee(i, availability=frozenset(rng.sample(range(168), 4))) for i in range(1, 15)]
    first = assign_mentors(mentors=mentors, mentees=mentees, partners=[], do_not_pair=[], seed=4)
    rng.shuffle(mentors)
    rng.shuffle(mentees)
    again = assign_mentors(mentors=mentors, mentees=mentees, partners=[], do_not_pair=[], seed=4)
    assert again == first


def test_needed_language_is_a_hard_constraint() -> None:
    mentors = [mentor(100, languages=frozenset({"en"}))]
    mentees = [mentee(1, languages=frozenset(), needs_language="es"), mentee(2)]
    result = assign_mentors(mentors=mentors, mentees=mentees, partners=[], do_not_pair=[], seed=0)
    assert [(m.mentee_id, m.mentor_id) for m in result.matches] == [(2, 100)]
    assert result.unassigned == (1,)


def test_partners_and_do_not_pair_are_never_matched() -> None:
    mentors = [mentor(100, capacity=5)]
    mentees = [mentee(1), mentee(2), mentee(3)]
    result = assign_mentors(
        mentors=mentors,
        mentees=mentees,
        partners=[frozenset({1, 100})],
        do_not_pair=[frozenset({100, 2})],
        seed=0,
    )
    assert [m.mentee_id for m in result.matches] == [3]
    assert result.unassigned == (1, 2)


def test_nobody_mentors_themselves() -> None:
    result = assign_mentors(
        mentors=[mentor(7)], mentees=[mentee(7)], partners=[], do_not_pair=[], seed=0
    )
    assert result.matches == ()


def test_preferences_steer_the_match_and_are_explained() -> None:
    mentors = [
        mentor(100, capacity=1, gender="man", faith="secular"),
        mentor(101, capacity=1, gender="woman", faith="christian", lived_experience=frozenset("a")),
    ]
    mentees = [mentee(1, gender_preference="woman", faith="spiritual", wanted=frozenset("a"))]
    result = assign_mentors(mentors=mentors, mentees=mentees, partners=[], do_not_pair=[], seed=0)
    (match,) = result.matches
    assert match.mentor_id == 101
    why = match.explanation.as_dict()
    assert set(why) <= set(MENTOR_FACTOR_POINTS)
    assert set(MENTOR_FACTOR_LABELS) == set(MENTOR_FACTOR_POINTS)
    assert why["mentor_gender_preference"] == MENTOR_FACTOR_POINTS["mentor_gender_preference"]
    assert why["lived_experience"] == MENTOR_FACTOR_POINTS["lived_experience"]
    # A spiritual mentee is partly served by a mentor of a tradition.
    assert why["faith_preference"] == MENTOR_FACTOR_POINTS["faith_preference"] / 2
    assert result.total_score == pytest.approx(match.explanation.total, abs=0.01)


def test_every_match_has_an_explanation() -> None:
    mentors = [mentor(100 + j, capacity=3) for j in range(3)]
    mentees = [mentee(i, affinities=frozenset({"a"})) for i in range(1, 8)]
    result = assign_mentors(mentors=mentors, mentees=mentees, partners=[], do_not_pair=[], seed=0)
    assert len(result.matches) == 7
    assert all(match.explanation.contributions for match in result.matches)


def test_sparse_candidates_are_repaired_when_capacity_is_left() -> None:
    # Everyone's first choice is mentor 100 (capacity 1); with top_k=1 only the
    # repair pass can reach the other mentors' spare capacity.
    star = mentor(100, capacity=1, availability=frozenset(range(0, 168)))
    others = [mentor(101 + j, capacity=5, availability=frozenset()) for j in range(3)]
    mentees = [mentee(i, availability=frozenset(range(0, 168))) for i in range(1, 12)]
    result = assign_mentors(
        mentors=[star, *others], mentees=mentees, partners=[], do_not_pair=[], seed=0, top_k=1
    )
    assert len(result.matches) == 11
    assert (len(result.matches), result.solver_weight) == oracle(result)


@pytest.mark.parametrize(
    ("mentors", "mentees", "message"),
    [
        ([mentor(100, capacity=6)], [], "capacity"),
        ([mentor(100), mentor(100)], [], "more than once"),
        ([], [mentee(1, availability=frozenset({-1}))], "0..167"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    mentors: list[Mentor], mentees: list[Mentee], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        assign_mentors(mentors=mentors, mentees=mentees, partners=[], do_not_pair=[], seed=0)
