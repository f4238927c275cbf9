"""Spaces shared by the tests of peer spaces: the therapy group's general
space (alias posting allowed), the program-wide space, the alumni lounge, and a
thread in the group space."""

from __future__ import annotations

import uuid

import pytest

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.spaces.models import Space, SpaceKind, SpaceScope, Thread


@pytest.fixture
def group_space(program: Program, group: TherapyGroup) -> Space:
    return Space.objects.create(
        program=program,
        scope=SpaceScope.GROUP,
        group=group,
        kind=SpaceKind.GENERAL,
        name="Group A · General",
        allow_alias=True,
    )


@pytest.fixture
def other_group_space(program: Program, other_group: TherapyGroup) -> Space:
    return Space.objects.create(
        program=program,
        scope=SpaceScope.GROUP,
        group=other_group,
        kind=SpaceKind.GENERAL,
        name="Group B · General",
    )


@pytest.fixture
def program_space(program: Program) -> Space:
    return Space.objects.create(
        program=program, scope=SpaceScope.PROGRAM, kind=SpaceKind.GENERAL, name="Whole program"
    )


@pytest.fixture
def alumni_space(program: Program) -> Space:
    return Space.objects.create(
        program=program, scope=SpaceScope.ALUMNI, kind=SpaceKind.GENERAL, name="Alumni lounge"
    )


@pytest.fixture
def thread(group_space: Space, participant: User) -> Thread:
    return Thread.objects.create(
        space=group_space, title="How was your week?", created_by=participant
    )


def new_client_id() -> uuid.UUID:
    return uuid.uuid4()
