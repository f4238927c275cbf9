"""Occurrences from the rule, in the program's wall time across daylight
saving, and every time shown in the viewer's own zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.gatherings import occurrences, queries
from commonroom.gatherings.actions import do_create_gathering
from commonroom.gatherings.models import Gathering
from tests.conftest import Api, signed_in_client
from tests.gatherings.conftest import FIRST_REUNION, NOW, SECOND_REUNION, reunion_fields

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]


def test_monthly_reunion_expands_to_second_thursdays(reunion: Gathering) -> None:
    dates = [o.occurrence_date for o in occurrences.upcoming(reunion, now=NOW, limit=4)]
    assert dates == [FIRST_REUNION, SECOND_REUNION, date(2027, 1, 14), date(2027, 2, 11)]


def test_the_wall_time_holds_across_daylight_saving(reunion: Gathering) -> None:
    """Daylight time starts on 14 March 2027: the March reunion (11th) is
    19:00 CST (01:00 UTC), the April one (8th) 19:00 CDT (00:00 UTC)."""
    found = occurrences.between(
        reunion,
        window_start=datetime(2027, 3, 1, tzinfo=UTC),
        window_end=datetime(2027, 5, 1, tzinfo=UTC),
    )
    assert [o.starts_at for o in found] == [
        datetime(2027, 3, 12, 1, 0, tzinfo=UTC),
        datetime(2027, 4, 9, 0, 0, tzinfo=UTC),
    ]


def test_the_first_reunion_is_19h_chicago(reunion: Gathering) -> None:
    first = occurrences.on_date(reunion, FIRST_REUNION)
    assert first is not None
    assert first.starts_at == datetime(2026, 11, 13, 1, 0, tzinfo=UTC)


def test_a_viewer_in_tokyo_sees_tokyo_time_on_the_page(reunion: Gathering, alumnus: User) -> None:
    alumnus.time_zone = "Asia/Tokyo"
    alumnus.save(update_fields=["time_zone"])
    html = signed_in_client(alumnus).get(f"/gatherings/{reunion.pk}/").content.decode()
    # 01:00 UTC on 13 November is 10:00 on Friday 13 November in Tokyo.
    assert "Friday 13 November 2026, 10:00\u201311:30 JST" in html


def test_a_viewer_in_chicago_sees_the_programs_time(
    alumnus_client: Client, reunion: Gathering
) -> None:
    html = alumnus_client.get("/gatherings/").content.decode()
    assert "Thursday 12 November 2026, 19:00\u201320:30 CST" in html


def test_the_api_gives_utc_and_the_viewers_own_time(
    api_as: ApiAs, reunion: Gathering, alumnus: User
) -> None:
    alumnus.time_zone = "Europe/Madrid"
    alumnus.save(update_fields=["time_zone"])
    first = api_as(alumnus).get(f"/gatherings/{reunion.pk}").json()["next_occurrences"][0]
    assert first["starts_at"].startswith("2026-11-13T01:00:00")
    assert first["starts_at_local"] == "2026-11-13T02:00:00+01:00"
    assert first["time_zone"] == "Europe/Madrid"


def test_the_list_costs_the_same_for_one_gathering_or_many(
    reunion: Gathering,
    admin: User,
    alumnus: User,
    program: Program,
) -> None:
    with CaptureQueriesContext(connection) as one:
        assert len(queries.upcoming_for(alumnus, now=NOW)) == 3
    for n in range(5):
        do_create_gathering(
            program=program,
            created_by=admin,
            fields=reunion_fields(title=f"Reunion {n}"),
        )
    with CaptureQueriesContext(connection) as many:
        assert len(queries.upcoming_for(alumnus, now=NOW)) == 18
    assert len(many.captured_queries) == len(one.captured_queries)
