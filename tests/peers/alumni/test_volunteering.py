"""Volunteer opportunities: spots hold, one sign-up per person, withdrawing
frees a spot, staff confirm; bad input names the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program
from commonroom.core.models import AuditEntry
from commonroom.peers.alumni.actions import do_create_opportunity
from commonroom.peers.alumni.models import VolunteerOpportunity, VolunteerSignup
from tests import factories
from tests.conftest import Api

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]


@pytest.fixture
def game_night_host(program: Program, admin: User) -> VolunteerOpportunity:
    return do_create_opportunity(
        program=program,
        created_by=admin,
        fields={"kind": "game_night", "title": "Host a game night", "spots": 1},
    )


@pytest.fixture
def another_alumnus(program: Program) -> User:
    user = factories.UserFactory(display_name="Bea")
    factories.enroll(user, program, Phase.COMPLETED)
    return user


def test_signing_up_twice_keeps_one_signup(
    api_as: ApiAs, game_night_host: VolunteerOpportunity, alumnus: User
) -> None:
    api = api_as(alumnus)
    first = api.post(f"/alumni/opportunities/{game_night_host.pk}/signup").json()
    second = api.post(f"/alumni/opportunities/{game_night_host.pk}/signup").json()
    assert first["id"] == second["id"]
    assert VolunteerSignup.objects.count() == 1


def test_spots_are_enforced(
    api_as: ApiAs, game_night_host: VolunteerOpportunity, alumnus: User, another_alumnus: User
) -> None:
    api_as(alumnus).post(f"/alumni/opportunities/{game_night_host.pk}/signup")
    refused = api_as(another_alumnus).post(f"/alumni/opportunities/{game_night_host.pk}/signup")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "full"
    assert not VolunteerSignup.objects.filter(user=another_alumnus).exists()
    listed = api_as(another_alumnus).get(f"/alumni/opportunities/{game_night_host.pk}").json()
    assert listed["spots_left"] == 0


def test_page_lists_and_api_agree_on_spots_left(
    api_as: ApiAs,
    game_night_host: VolunteerOpportunity,
    alumnus: User,
    another_alumnus: User,
) -> None:
    api_as(alumnus).post(f"/alumni/opportunities/{game_night_host.pk}/signup")
    api = api_as(another_alumnus)
    one = api.get(f"/alumni/opportunities/{game_night_host.pk}").json()
    (listed,) = api.get("/alumni/opportunities").json()["items"]
    assert one["spots_left"] == listed["spots_left"] == 0
    client = Client()
    client.force_login(another_alumnus)
    page = client.get(f"/alumni/opportunities/{game_night_host.pk}/").content.decode()
    assert "0 spots left" in page


def test_withdrawing_frees_the_spot_and_signing_up_again_reuses_the_row(
    api_as: ApiAs, game_night_host: VolunteerOpportunity, alumnus: User, another_alumnus: User
) -> None:
    path = f"/alumni/opportunities/{game_night_host.pk}"
    first = api_as(alumnus).post(f"{path}/signup").json()
    assert api_as(alumnus).post(f"{path}/withdraw").json()["status"] == "withdrawn"
    assert api_as(another_alumnus).post(f"{path}/signup").status_code == 200
    assert api_as(another_alumnus).post(f"{path}/withdraw").status_code == 200
    again = api_as(alumnus).post(f"{path}/signup").json()
    assert again["id"] == first["id"]
    assert again["status"] == "signed_up"
    assert VolunteerSignup.objects.filter(user=alumnus).count() == 1


def test_withdrawing_without_signing_up_is_refused(
    api_as: ApiAs, game_night_host: VolunteerOpportunity, alumnus: User
) -> None:
    response = api_as(alumnus).post(f"/alumni/opportunities/{game_night_host.pk}/withdraw")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_signed_up"


def test_staff_confirm_and_a_withdrawn_signup_cannot_be_confirmed(
    api_as: ApiAs, game_night_host: VolunteerOpportunity, alumnus: User, admin: User
) -> None:
    signup = api_as(alumnus).post(f"/alumni/opportunities/{game_night_host.pk}/signup").json()
    confirmed = api_as(admin).post(f"/alumni/signups/{signup['id']}/confirm").json()
    assert confirmed["status"] == "confirmed"
    assert AuditEntry.objects.get(action="volunteer.confirm").subject_id == alumnus.pk
    api_as(alumnus).post(f"/alumni/opportunities/{game_night_host.pk}/withdraw")
    refused = api_as(admin).post(f"/alumni/signups/{signup['id']}/confirm")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "withdrawn"


def test_a_past_opportunity_refuses_signups(
    api_as: ApiAs, program: Program, admin: User, alumnus: User, frozen_clock: Any
) -> None:
    panel = do_create_opportunity(
        program=program,
        created_by=admin,
        fields={"kind": "panel", "title": "Panel", "when": "2026-11-05T18:00", "spots": 3},
    )
    frozen_clock.move_to("2026-11-10T00:00Z")
    response = api_as(alumnus).post(f"/alumni/opportunities/{panel.pk}/signup")
    assert response.json()["error"]["code"] == "in_the_past"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"description": "x" * 2001}, "description"),
        ({"kind": "juggling"}, "kind"),
        ({"spots": 0}, "spots"),
        ({"spots": 501}, "spots"),
        ({"when": "2026-10-01T10:00"}, "when"),
        ({"when": "soon"}, "when"),
    ],
)
def test_bad_opportunity_input_names_the_field(
    api_as: ApiAs, program: Program, admin: User, changes: dict[str, Any], field: str
) -> None:
    body = {"program_id": program.pk, "kind": "mentoring", "title": "Mentor", "spots": 2} | changes
    response = api_as(admin).post("/alumni/opportunities", body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert not VolunteerOpportunity.objects.exists()


def test_the_access_policy_rejects_out_of_range_months(
    api_as: ApiAs, program: Program, admin: User
) -> None:
    response = api_as(admin).call(
        "put", f"/alumni/programs/{program.pk}/settings", {"alumni_access_months": 601}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "alumni_access_months"


def test_a_closed_opportunity_refuses_signups_and_keeps_those_in(
    api_as: ApiAs,
    game_night_host: VolunteerOpportunity,
    alumnus: User,
    another_alumnus: User,
    admin: User,
) -> None:
    path = f"/alumni/opportunities/{game_night_host.pk}"
    api_as(alumnus).post(f"{path}/signup")
    closed = api_as(admin).post(f"{path}/close").json()
    assert closed["closed"] is True
    api_as(alumnus).post(f"{path}/withdraw")
    refused = api_as(alumnus).post(f"{path}/signup")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "closed"
    assert game_night_host.pk not in {
        o["id"] for o in api_as(another_alumnus).get("/alumni/opportunities").json()["items"]
    }
