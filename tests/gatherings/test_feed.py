"""The private calendar link of a person's gatherings: only what they
answered going or maybe to, titled neutrally, and nothing once the link is
revoked or their access ends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from icalendar import Calendar

from commonroom.accounts.models import User
from commonroom.core.models import AuditEntry
from commonroom.gatherings.actions import do_cancel_occurrence, do_rsvp
from commonroom.gatherings.models import Gathering
from tests.conftest import Api
from tests.gatherings.conftest import FIRST_REUNION, SECOND_REUNION

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]


def _answer(gathering: Gathering, user: User, day: object, response: str) -> None:
    do_rsvp(
        gathering=gathering,
        user=user,
        occurrence_date=day,
        response=response,
        base_url="https://cr.example/",
    )


def _feed_path(api: Api) -> str:
    response = api.post("/gatherings/calendar-feeds")
    assert response.status_code == 201
    url: str = response.json()["url"]
    assert url.startswith("http://testserver/gatherings/calendar/")
    return url.removeprefix("http://testserver")


def test_the_feed_has_only_answered_dates_with_a_neutral_title(
    api_as: ApiAs,
    anonymous_client: Client,
    reunion: Gathering,
    game_night: Gathering,
    alumnus: User,
    admin: User,
) -> None:
    _answer(reunion, alumnus, FIRST_REUNION, "going")
    _answer(reunion, alumnus, SECOND_REUNION, "not_going")
    _answer(game_night, alumnus, "2026-11-06", "maybe")
    path = _feed_path(api_as(alumnus))
    response = anonymous_client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    for secret in ("reunion", "Reunion", "Board game", "video.example", "alumni", "Andre"):
        assert secret not in body
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        [
            f"gathering{game_night.pk}-2026-11-06@commonroom",
            f"gathering{reunion.pk}-2026-11-12@commonroom",
        ]
    )
    assert {str(e["SUMMARY"]) for e in events} == {"Commonroom gathering"}
    assert AuditEntry.objects.filter(action="gathering_feed.fetch").count() == 1


def test_a_cancelled_date_is_published_as_cancelled(
    api_as: ApiAs, anonymous_client: Client, reunion: Gathering, alumnus: User, admin: User
) -> None:
    _answer(reunion, alumnus, FIRST_REUNION, "going")
    do_cancel_occurrence(gathering=reunion, occurrence_date=FIRST_REUNION, cancelled_by=admin)
    events = Calendar.from_ical(anonymous_client.get(_feed_path(api_as(alumnus))).content).walk(
        "VEVENT"
    )
    assert [str(e["STATUS"]) for e in events] == ["CANCELLED"]


def test_an_unknown_or_revoked_link_is_not_found(
    api_as: ApiAs, anonymous_client: Client, reunion: Gathering, alumnus: User
) -> None:
    assert anonymous_client.get("/gatherings/calendar/not-a-secret.ics").status_code == 404
    path = _feed_path(api_as(alumnus))
    assert api_as(alumnus).delete("/me/calendar-feeds").status_code == 204
    assert anonymous_client.get(path).status_code == 404


def test_after_losing_access_the_feed_is_empty(
    api_as: ApiAs, anonymous_client: Client, reunion: Gathering, alumnus: User
) -> None:
    _answer(reunion, alumnus, FIRST_REUNION, "going")
    path = _feed_path(api_as(alumnus))
    alumnus.enrollments.update(phase="discharged")
    assert Calendar.from_ical(anonymous_client.get(path).content).walk("VEVENT") == []


def test_the_page_makes_a_link(alumnus_client: Client) -> None:
    response = alumnus_client.post("/gatherings/calendar/", follow=True)
    assert "/gatherings/calendar/" in response.content.decode()


def test_anonymous_cannot_make_a_link(anonymous_client: Client, api_as: ApiAs) -> None:
    assert anonymous_client.post("/gatherings/calendar/")["Location"].startswith("/accounts/login/")
    assert api_as(None).post("/gatherings/calendar-feeds").status_code == 401
