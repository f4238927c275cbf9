"""RSVP: a change of mind updates, capacity holds, bad input names the field
and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.core.models import AuditEntry
from commonroom.gatherings.actions import do_cancel_occurrence
from commonroom.gatherings.models import Gathering, Rsvp
from tests.conftest import Api
from tests.gatherings.conftest import FIRST_REUNION, SECOND_REUNION

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]
GAME_NIGHT_DAY = "2026-11-06"


def answer(api: Api, gathering: Gathering, day: str, response: str) -> Any:
    return api.post(
        f"/gatherings/{gathering.pk}/rsvps", {"occurrence_date": day, "response": response}
    )


def test_a_change_of_mind_updates_the_same_rsvp(
    api_as: ApiAs, reunion: Gathering, alumnus: User
) -> None:
    api = api_as(alumnus)
    first = answer(api, reunion, FIRST_REUNION.isoformat(), "going").json()
    second = answer(api, reunion, FIRST_REUNION.isoformat(), "not_going").json()
    assert first["id"] == second["id"]
    assert second["response"] == "not_going"
    assert Rsvp.objects.filter(gathering=reunion, user=alumnus).count() == 1


def test_each_date_has_its_own_answer(api_as: ApiAs, reunion: Gathering, alumnus: User) -> None:
    api = api_as(alumnus)
    answer(api, reunion, FIRST_REUNION.isoformat(), "going")
    answer(api, reunion, SECOND_REUNION.isoformat(), "maybe")
    assert dict(Rsvp.objects.filter(user=alumnus).values_list("occurrence_date", "response")) == {
        FIRST_REUNION: "going",
        SECOND_REUNION: "maybe",
    }


def test_a_full_date_refuses_going_but_not_maybe(
    api_as: ApiAs, game_night: Gathering, participant: User, groupmate: User, outsider: User
) -> None:
    assert answer(api_as(participant), game_night, GAME_NIGHT_DAY, "going").status_code == 200
    assert answer(api_as(groupmate), game_night, GAME_NIGHT_DAY, "going").status_code == 200
    refused = answer(api_as(outsider), game_night, GAME_NIGHT_DAY, "going")
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "full",
        "message": "This date is full.",
        "field": "response",
    }
    assert not Rsvp.objects.filter(user=outsider).exists()
    assert answer(api_as(outsider), game_night, GAME_NIGHT_DAY, "maybe").status_code == 200


def test_someone_already_going_can_answer_going_again_when_full(
    api_as: ApiAs, game_night: Gathering, participant: User, groupmate: User
) -> None:
    answer(api_as(participant), game_night, GAME_NIGHT_DAY, "going")
    answer(api_as(groupmate), game_night, GAME_NIGHT_DAY, "going")
    assert answer(api_as(groupmate), game_night, GAME_NIGHT_DAY, "going").status_code == 200


def test_a_place_freed_by_a_change_of_mind_can_be_taken(
    api_as: ApiAs, game_night: Gathering, participant: User, groupmate: User, outsider: User
) -> None:
    answer(api_as(participant), game_night, GAME_NIGHT_DAY, "going")
    answer(api_as(groupmate), game_night, GAME_NIGHT_DAY, "going")
    answer(api_as(groupmate), game_night, GAME_NIGHT_DAY, "not_going")
    assert answer(api_as(outsider), game_night, GAME_NIGHT_DAY, "going").status_code == 200


@pytest.mark.parametrize(
    ("day", "code"),
    [
        ("2026-11-13", "not_a_date"),  # a Friday: the rule says second Thursdays
        ("2026-10-08", "not_a_date"),  # before the first reunion
        ("not-a-date", "invalid"),
        ("", "required"),
    ],
)
def test_a_date_not_in_the_rule_is_refused(
    api_as: ApiAs, reunion: Gathering, alumnus: User, day: str, code: str
) -> None:
    response = answer(api_as(alumnus), reunion, day, "going")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["field"], error["code"]) == ("occurrence_date", code)
    assert not Rsvp.objects.exists()


def test_a_past_occurrence_is_refused(
    api_as: ApiAs, reunion: Gathering, alumnus: User, frozen_clock: Any
) -> None:
    frozen_clock.move_to("2026-11-20T12:00Z")
    response = answer(api_as(alumnus), reunion, FIRST_REUNION.isoformat(), "going")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "in_the_past"
    assert answer(api_as(alumnus), reunion, SECOND_REUNION.isoformat(), "going").status_code == 200


def test_a_cancelled_date_is_refused_and_shown_cancelled(
    api_as: ApiAs, reunion: Gathering, alumnus: User, admin: User
) -> None:
    do_cancel_occurrence(gathering=reunion, occurrence_date=FIRST_REUNION, cancelled_by=admin)
    response = answer(api_as(alumnus), reunion, FIRST_REUNION.isoformat(), "going")
    assert response.json()["error"]["code"] == "cancelled"
    dates = api_as(alumnus).get(f"/gatherings/{reunion.pk}").json()["next_occurrences"]
    assert dates[0]["occurrence_date"] == FIRST_REUNION.isoformat()
    assert dates[0]["cancelled"] is True
    assert dates[1]["cancelled"] is False


def test_an_unknown_response_is_refused(api_as: ApiAs, reunion: Gathering, alumnus: User) -> None:
    response = answer(api_as(alumnus), reunion, FIRST_REUNION.isoformat(), "definitely")
    assert response.json()["error"]["field"] == "response"
    assert not Rsvp.objects.exists()


def test_someone_elses_rsvp_id_is_not_found(
    api_as: ApiAs, reunion: Gathering, alumnus: User, mentor: User
) -> None:
    theirs = answer(api_as(mentor), reunion, FIRST_REUNION.isoformat(), "going").json()
    response = api_as(alumnus).patch(f"/gatherings/rsvps/{theirs['id']}", {"response": "not_going"})
    assert response.status_code == 404
    assert Rsvp.objects.get(pk=theirs["id"]).response == "going"


def test_ones_own_rsvp_id_changes_the_answer(
    api_as: ApiAs, reunion: Gathering, alumnus: User
) -> None:
    mine = answer(api_as(alumnus), reunion, FIRST_REUNION.isoformat(), "going").json()
    response = api_as(alumnus).patch(f"/gatherings/rsvps/{mine['id']}", {"response": "maybe"})
    assert response.status_code == 200
    assert response.json()["response"] == "maybe"


def test_rsvp_over_html_answers_htmx_with_the_row(
    alumnus_client: Client, reunion: Gathering, alumnus: User
) -> None:
    response = alumnus_client.post(
        f"/gatherings/{reunion.pk}/rsvp/",
        {"occurrence_date": FIRST_REUNION.isoformat(), "response": "going"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card occurrence" id="occurrence-2026-11-12"')
    assert 'value="going" class="secondary" aria-pressed="true"' in html


def test_a_refused_htmx_rsvp_comes_back_marked(
    client_for: Callable[[User], Client],
    api_as: ApiAs,
    game_night: Gathering,
    participant: User,
    groupmate: User,
    outsider: User,
) -> None:
    answer(api_as(participant), game_night, GAME_NIGHT_DAY, "going")
    answer(api_as(groupmate), game_night, GAME_NIGHT_DAY, "going")
    response = client_for(outsider).post(
        f"/gatherings/{game_night.pk}/rsvp/",
        {"occurrence_date": GAME_NIGHT_DAY, "response": "going"},
        headers={"HX-Request": "true"},
    )
    assert response["X-Commonroom-Refused"] == "1"
    assert "This date is full." in response.content.decode()


def test_a_plain_refused_rsvp_answers_422_with_the_page(
    alumnus_client: Client, reunion: Gathering
) -> None:
    response = alumnus_client.post(
        f"/gatherings/{reunion.pk}/rsvp/", {"occurrence_date": "2026-11-13", "response": "going"}
    )
    assert response.status_code == 422
    assert "This gathering does not happen on that date." in response.content.decode()


def test_rsvps_are_audited_without_text(api_as: ApiAs, reunion: Gathering, alumnus: User) -> None:
    answer(api_as(alumnus), reunion, FIRST_REUNION.isoformat(), "going")
    entry = AuditEntry.objects.get(action="gathering.rsvp")
    assert entry.actor_id == alumnus.pk
    assert entry.detail == {"response": "going"}


def test_a_cancelled_gathering_refuses_answers(
    api_as: ApiAs, reunion: Gathering, alumnus: User, admin: User
) -> None:
    api_as(admin).post(f"/gatherings/{reunion.pk}/cancel", {})
    response = answer(api_as(alumnus), reunion, FIRST_REUNION.isoformat(), "going")
    assert response.json()["error"]["code"] == "cancelled"
    assert api_as(alumnus).get(f"/gatherings/{reunion.pk}").json()["next_occurrences"] == []
