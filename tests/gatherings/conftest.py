"""Gatherings under a frozen clock: Monday 2 November 2026, 15:00 UTC (09:00
in the program's zone, America/Chicago). The alumni reunion is monthly on
the second Thursday at 19:00 Chicago time, the first on 12 November."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine

from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program, Role
from commonroom.gatherings.actions import do_create_gathering
from commonroom.gatherings.models import Gathering
from tests import factories

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
FIRST_REUNION = date(2026, 11, 12)
SECOND_REUNION = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def reunion_fields(**extra: object) -> dict[str, object]:
    return {
        "title": "Monthly alumni reunion",
        "description": "Catch up with people who finished the program.",
        "kind": "reunion",
        "audience": "alumni",
        "starts_at": "2026-11-12T19:00",
        "recurrence": "FREQ=MONTHLY;BYDAY=2TH",
        "duration_minutes": 90,
        "join_url": "https://video.example/reunion",
    } | extra


@pytest.fixture
def reunion(program: Program, admin: User) -> Gathering:
    return do_create_gathering(program=program, created_by=admin, fields=reunion_fields())


@pytest.fixture
def game_night(program: Program, admin: User) -> Gathering:
    """A one-off for the whole program with two places."""
    return do_create_gathering(
        program=program,
        created_by=admin,
        fields={
            "title": "Board game night",
            "kind": "game_night",
            "audience": "program",
            "starts_at": "2026-11-06T18:00",
            "duration_minutes": 120,
            "capacity": 2,
        },
    )


@pytest.fixture
def other_program() -> Program:
    return factories.ProgramFactory(name="Morning IOP", slug="morning-iop")


@pytest.fixture
def stranger_alumnus(other_program: Program) -> User:
    """An alumnus of another program."""
    user = factories.UserFactory(email="stranger@example.org", display_name="Kit")
    factories.enroll(user, other_program, Phase.COMPLETED)
    return user


@pytest.fixture
def stranger_admin(other_program: Program) -> User:
    user = factories.UserFactory(email="stranger-admin@example.org", display_name="Ola")
    factories.add_role(user, other_program, Role.PROGRAM_ADMIN)
    factories.enable_totp(user)
    return user
