"""Sockets check ``can_see`` on every delivery; pages list
``spaces_visible_to``. The two must agree for everyone, and the check must
stay one query."""

from __future__ import annotations

from typing import Any

import pytest

from commonroom.spaces import access
from commonroom.spaces.models import Space, SpaceKind, SpaceScope

pytestmark = pytest.mark.django_db

PERSONAS = [
    "participant",
    "groupmate",
    "outsider",
    "facilitator",
    "other_facilitator",
    "mentor",
    "alumnus",
    "admin",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_one_space_check_agrees_with_the_list(
    request: pytest.FixtureRequest,
    persona: str,
    group_space: Space,
    other_group_space: Space,
    program_space: Space,
    alumni_space: Space,
) -> None:
    viewer = request.getfixturevalue(persona)
    listed = set(access.spaces_visible_to(viewer).values_list("pk", flat=True))
    for space in (group_space, other_group_space, program_space, alumni_space):
        assert access.can_see(viewer, space.pk) == (space.pk in listed), space.name


def test_the_check_is_one_query(
    participant: Any, group_space: Space, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        assert access.can_see(participant, group_space.pk)


@pytest.fixture
def pair_rule(participant: Any, groupmate: Any, facilitator: Any) -> Any:
    """A registered scope whose peers are the participant and the groupmate
    and whose moderator is the facilitator, as a relationship app would
    register it."""
    from django.db.models import Q

    peers = {participant.pk, groupmate.pk}
    rule = access.ScopeRule(
        members=lambda uid: Q(pk__in=[]) if uid not in peers else Q(),
        staff=lambda uid: Q() if uid == facilitator.pk else Q(pk__in=[]),
        member_ids=lambda space: peers | {facilitator.pk},
    )
    saved = dict(access.SCOPE_RULES)
    access.register_scope(SpaceScope.BUDDY, rule)
    yield rule
    access.SCOPE_RULES.clear()
    access.SCOPE_RULES.update(saved)


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_a_registered_scope_derives_its_members(
    request: pytest.FixtureRequest, persona: str, program: Any, pair_rule: Any
) -> None:
    space = Space.objects.create(
        program=program, scope=SpaceScope.BUDDY, kind=SpaceKind.GENERAL, name="Pair"
    )
    viewer = request.getfixturevalue(persona)
    expected = persona in {"participant", "groupmate", "facilitator", "admin"}
    listed = space.pk in set(access.spaces_visible_to(viewer).values_list("pk", flat=True))
    assert listed is expected
    assert access.can_see(viewer, space.pk) is expected
    if persona != "anonymous":
        assert (viewer.pk in access.member_ids(space)) is expected


def test_an_unregistered_relationship_scope_is_staff_only(
    program: Any, participant: Any, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(access.SCOPE_RULES, SpaceScope.MENTORSHIP, raising=False)
    space = Space.objects.create(
        program=program, scope=SpaceScope.MENTORSHIP, kind=SpaceKind.GENERAL, name="Pair"
    )
    assert not access.can_see(participant, space.pk)
    assert access.member_ids(space) == {admin.pk}
