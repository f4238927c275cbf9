"""Sockets check ``can_see`` on every delivery; pages list
``spaces_visible_to``. The two must agree for everyone, and the check must
stay one query."""

from __future__ import annotations

from typing import Any

import pytest

from commonroom.spaces import access
from commonroom.spaces.models import Space

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
