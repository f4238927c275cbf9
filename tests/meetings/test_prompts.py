"""Sharing prompt suggestions: recency, tags, variety, privacy, determinism;
and the starter library's shape."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonroom.meetings.prompts import (
    STARTER_LIBRARY,
    TAGS,
    Prompt,
    Suggestion,
    Used,
    suggest_prompts,
)

TODAY = date(2026, 6, 1)
ME, COLLEAGUE = 10, 11


def library(prompt_id: int, *tags: str) -> Prompt:
    return Prompt(id=prompt_id, tags=frozenset(tags), owner_id=None)


def used(prompt_id: int, days_ago: int) -> Used:
    return Used(prompt_id=prompt_id, used_on=TODAY - timedelta(days=days_ago))


def ids(suggestions: list[Suggestion]) -> list[int]:
    return [s.prompt_id for s in suggestions]


def test_a_prompt_used_within_recent_days_is_not_suggested() -> None:
    prompts = [library(1, "grief"), library(2, "hope")]
    result = suggest_prompts(prompts=prompts, used=[used(1, 55)], today=TODAY)
    assert ids(result) == [2]


def test_a_prompt_is_offered_again_once_recent_days_have_passed() -> None:
    prompts = [library(1, "grief")]
    result = suggest_prompts(prompts=prompts, used=[used(1, 56)], today=TODAY)
    assert ids(result) == [1]
    assert result[0].reason == "last used 56 days ago"


def test_the_latest_use_decides_recency() -> None:
    prompts = [library(1, "grief")]
    uses = [used(1, 200), used(1, 3), used(1, 100)]
    assert suggest_prompts(prompts=prompts, used=uses, today=TODAY) == []


def test_a_prompt_planned_for_a_later_day_is_not_suggested() -> None:
    prompts = [library(1, "grief"), library(2, "hope")]
    result = suggest_prompts(prompts=prompts, used=[used(1, -7)], today=TODAY)
    assert ids(result) == [2]


def test_wanted_tags_come_first_most_matches_first() -> None:
    prompts = [library(1, "joy"), library(2, "grief"), library(3, "grief", "hope")]
    result = suggest_prompts(
        prompts=prompts, used=[], today=TODAY, wanted_tags=frozenset({"grief", "hope"})
    )
    assert ids(result) == [3, 2, 1]
    assert result[0].reason == "matches: grief, hope; never used with this group"
    assert result[2].matched_tags == frozenset()


def test_never_used_comes_before_used_long_ago() -> None:
    prompts = [library(1, "joy"), library(2, "grief"), library(3, "hope")]
    result = suggest_prompts(prompts=prompts, used=[used(1, 70)], today=TODAY)
    assert ids(result)[-1] == 1
    assert result[-1].reason == "last used 70 days ago"


def test_least_recently_used_comes_first_among_used() -> None:
    prompts = [library(1, "joy"), library(2, "grief"), library(3, "hope")]
    uses = [used(1, 70), used(2, 300), used(3, 120)]
    assert ids(suggest_prompts(prompts=prompts, used=uses, today=TODAY)) == [2, 3, 1]


def test_tags_vary_across_suggestions() -> None:
    gratitude = [library(n, "gratitude") for n in range(1, 6)]
    others = [library(6, "grief"), library(7, "hope"), library(8, "identity")]
    result = suggest_prompts(prompts=gratitude + others, used=[], today=TODAY, limit=4)
    assert sum(1 for n in ids(result) if n <= 5) == 1  # one per theme while themes last


def test_one_theme_fills_the_list_when_it_is_asked_for() -> None:
    gratitude = [library(n, "gratitude") for n in range(1, 6)]
    others = [library(6, "grief"), library(7, "hope")]
    result = suggest_prompts(
        prompts=gratitude + others, used=[], today=TODAY, wanted_tags=frozenset({"gratitude"})
    )
    assert sorted(ids(result)) == [1, 2, 3, 4, 5]


def test_variety_counts_the_tags_that_were_not_asked_for() -> None:
    prompts = [
        library(1, "grief", "hope"),
        library(2, "grief", "hope"),
        library(3, "grief", "identity"),
    ]
    result = suggest_prompts(
        prompts=prompts, used=[], today=TODAY, wanted_tags=frozenset({"grief"}), limit=2
    )
    assert 3 in ids(result)


def test_own_prompts_are_included_and_colleagues_private_ones_are_not() -> None:
    prompts = [
        library(1, "grief"),
        Prompt(id=2, tags=frozenset({"hope"}), owner_id=ME),
        Prompt(id=3, tags=frozenset({"joy"}), owner_id=COLLEAGUE),
    ]
    result = suggest_prompts(prompts=prompts, used=[], today=TODAY, facilitator_id=ME)
    assert sorted(ids(result)) == [1, 2]
    own = next(s for s in result if s.prompt_id == 2)
    assert own.reason == "never used with this group; your own prompt"


def test_without_a_facilitator_only_the_library_is_offered() -> None:
    prompts = [library(1, "grief"), Prompt(id=2, tags=frozenset({"hope"}), owner_id=ME)]
    assert ids(suggest_prompts(prompts=prompts, used=[], today=TODAY)) == [1]


def test_the_same_seed_gives_the_same_suggestions_whatever_the_input_order() -> None:
    prompts = [library(n, "gratitude") for n in range(1, 30)]
    uses = [used(n, 60 + n) for n in range(1, 10)]
    expected = suggest_prompts(prompts=prompts, used=uses, today=TODAY, seed=3)
    shuffler = random.Random(5)
    for _ in range(10):
        shuffler.shuffle(prompts)
        shuffler.shuffle(uses)
        assert suggest_prompts(prompts=prompts, used=uses, today=TODAY, seed=3) == expected


def test_another_seed_can_show_other_prompts_of_equal_merit() -> None:
    prompts = [library(n, "gratitude") for n in range(1, 30)]
    by_seed = {
        tuple(ids(suggest_prompts(prompts=prompts, used=[], today=TODAY, seed=s))) for s in range(5)
    }
    assert len(by_seed) > 1


def test_every_suggestion_has_a_reason() -> None:
    prompts = [library(n, tag) for n, tag in enumerate(sorted(TAGS))]
    uses = [used(0, 90)]
    result = suggest_prompts(
        prompts=prompts, used=uses, today=TODAY, wanted_tags=frozenset({"grief"}), limit=20
    )
    assert all(s.reason for s in result)
    assert "last used 90 days ago" in next(s.reason for s in result if s.prompt_id == 0)


def test_limit_zero_suggests_nothing() -> None:
    assert suggest_prompts(prompts=[library(1, "joy")], used=[], today=TODAY, limit=0) == []


def test_duplicate_prompt_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        suggest_prompts(prompts=[library(1, "joy"), library(1, "hope")], used=[], today=TODAY)


def test_negative_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        suggest_prompts(prompts=[], used=[], today=TODAY, limit=-1)
    with pytest.raises(ValueError, match="recent_days"):
        suggest_prompts(prompts=[], used=[], today=TODAY, recent_days=-1)


# -- properties ---------------------------------------------------------------

tag_sets = st.frozensets(st.sampled_from(sorted(TAGS)), min_size=1, max_size=3)
owners = st.sampled_from([None, None, ME, COLLEAGUE])


@st.composite
def prompt_lists(draw: st.DrawFn) -> list[Prompt]:
    chosen = draw(st.lists(st.integers(0, 60), unique=True, max_size=40))
    return [Prompt(id=n, tags=draw(tag_sets), owner_id=draw(owners)) for n in chosen]


uses = st.lists(
    st.builds(Used, prompt_id=st.integers(0, 60), used_on=st.dates(TODAY - timedelta(400), TODAY)),
    max_size=60,
)


@settings(max_examples=100, deadline=None)
@given(
    prompts=prompt_lists(),
    history=uses,
    wanted=st.frozensets(st.sampled_from(sorted(TAGS)), max_size=2),
    limit=st.integers(0, 8),
    recent_days=st.integers(0, 120),
    seed=st.integers(0, 1000),
)
def test_suggestions_respect_recency_privacy_and_limit(
    prompts: list[Prompt],
    history: list[Used],
    wanted: frozenset[str],
    limit: int,
    recent_days: int,
    seed: int,
) -> None:
    result = suggest_prompts(
        prompts=prompts,
        used=history,
        today=TODAY,
        wanted_tags=wanted,
        facilitator_id=ME,
        limit=limit,
        recent_days=recent_days,
        seed=seed,
    )
    chosen = ids(result)
    assert len(chosen) <= limit
    assert len(set(chosen)) == len(chosen)
    cutoff = TODAY - timedelta(days=recent_days)
    recently_used = {u.prompt_id for u in history if u.used_on > cutoff}
    assert not set(chosen) & recently_used
    owner = {p.id: p.owner_id for p in prompts}
    assert all(owner[n] in (None, ME) for n in chosen)
    offerable = [p for p in prompts if p.owner_id in (None, ME) and p.id not in recently_used]
    assert len(chosen) == min(limit, len(offerable))  # nothing offerable is held back
    matches = [len(s.matched_tags) for s in result]
    assert matches == sorted(matches, reverse=True)
    assert all(s.reason for s in result)
    again = suggest_prompts(
        prompts=list(reversed(prompts)),
        used=list(reversed(history)),
        today=TODAY,
        wanted_tags=wanted,
        facilitator_id=ME,
        limit=limit,
        recent_days=recent_days,
        seed=seed,
    )
    assert again == result


# -- the starter library --------------------------------------------------------


def test_starter_library_has_about_thirty_distinct_prompts() -> None:
    assert 28 <= len(STARTER_LIBRARY) <= 36
    assert len({p.key for p in STARTER_LIBRARY}) == len(STARTER_LIBRARY)
    assert len({p.text for p in STARTER_LIBRARY}) == len(STARTER_LIBRARY)


def test_starter_library_uses_the_known_tags_and_covers_them_all() -> None:
    used_tags = {tag for p in STARTER_LIBRARY for tag in p.tags}
    assert used_tags == TAGS
    assert all(1 <= len(p.tags) <= 3 for p in STARTER_LIBRARY)


def test_starter_prompts_invite_rather_than_demand() -> None:
    demanding = ("you must", "you have to", "you need to", "tell us everything", "worst")
    for prompt in STARTER_LIBRARY:
        text = prompt.text.lower()
        assert not any(phrase in text for phrase in demanding), prompt.key
        assert prompt.text.strip() == prompt.text
        assert prompt.text.endswith(("?", ".")), prompt.key
        assert prompt.text.isascii(), prompt.key
