"""Who may see, answer, edit and cancel a gathering, over HTML and the API.
Denied is 404 (ids leak nothing); anonymous visitors are sent to sign in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.gatherings.models import Gathering, Rsvp
from tests.conftest import Api, signed_in_client
from tests.gatherings.conftest import FIRST_REUNION

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]

# viewer -> may see the alumni reunion
ALUMNI_AUDIENCE = {
    "participant": False,
    "groupmate": False,
    "outsider": False,
    "facilitator": True,
    "other_facilitator": True,
    "mentor": True,  # completed the program, so an alumnus too
    "alumnus": True,
    "admin": True,
    "stranger_alumnus": False,
    "stranger_admin": False,
}
# viewer -> may see the whole-program game night
PROGRAM_AUDIENCE = ALUMNI_AUDIENCE | {"participant": True, "groupmate": True, "outsider": True}
STAFF = {"facilitator", "other_facilitator", "admin"}


def _client(request: pytest.FixtureRequest, viewer: str) -> Client:
    return signed_in_client(request.getfixturevalue(viewer))


@pytest.mark.parametrize(("viewer", "allowed"), ALUMNI_AUDIENCE.items())
def test_alumni_reunion_page(
    request: pytest.FixtureRequest, reunion: Gathering, viewer: str, allowed: bool
) -> None:
    response = _client(request, viewer).get(f"/gatherings/{reunion.pk}/")
    assert response.status_code == (200 if allowed else 404)
    assert ("Monthly alumni reunion" in response.content.decode()) is allowed


@pytest.mark.parametrize(("viewer", "allowed"), ALUMNI_AUDIENCE.items())
def test_alumni_reunion_over_the_api(
    request: pytest.FixtureRequest, api_as: ApiAs, reunion: Gathering, viewer: str, allowed: bool
) -> None:
    api = api_as(request.getfixturevalue(viewer))
    response = api.get(f"/gatherings/{reunion.pk}")
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    listed = {g["id"] for g in api.get("/gatherings").json()["items"]}
    assert (reunion.pk in listed) is allowed


@pytest.mark.parametrize(("viewer", "allowed"), ALUMNI_AUDIENCE.items())
def test_alumni_reunion_in_the_list_page(
    request: pytest.FixtureRequest, reunion: Gathering, viewer: str, allowed: bool
) -> None:
    response = _client(request, viewer).get("/gatherings/")
    assert response.status_code == 200
    assert ("Monthly alumni reunion" in response.content.decode()) is allowed


@pytest.mark.parametrize(("viewer", "allowed"), PROGRAM_AUDIENCE.items())
def test_program_gathering_page(
    request: pytest.FixtureRequest, game_night: Gathering, viewer: str, allowed: bool
) -> None:
    response = _client(request, viewer).get(f"/gatherings/{game_night.pk}/")
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize(("viewer", "allowed"), ALUMNI_AUDIENCE.items())
def test_rsvp_to_the_reunion_over_html(
    request: pytest.FixtureRequest, reunion: Gathering, viewer: str, allowed: bool
) -> None:
    response = _client(request, viewer).post(
        f"/gatherings/{reunion.pk}/rsvp/",
        {"occurrence_date": FIRST_REUNION.isoformat(), "response": "going"},
    )
    assert response.status_code == (302 if allowed else 404)
    assert Rsvp.objects.filter(gathering=reunion).exists() is allowed


@pytest.mark.parametrize(("viewer", "allowed"), ALUMNI_AUDIENCE.items())
def test_rsvp_to_the_reunion_over_the_api(
    request: pytest.FixtureRequest, api_as: ApiAs, reunion: Gathering, viewer: str, allowed: bool
) -> None:
    api = api_as(request.getfixturevalue(viewer))
    response = api.post(
        f"/gatherings/{reunion.pk}/rsvps",
        {"occurrence_date": FIRST_REUNION.isoformat(), "response": "maybe"},
    )
    assert response.status_code == (200 if allowed else 404)
    attendees = api.get(
        f"/gatherings/{reunion.pk}/attendees?occurrence_date={FIRST_REUNION.isoformat()}"
    )
    assert attendees.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("viewer", ALUMNI_AUDIENCE)
def test_only_staff_of_the_program_cancel(
    request: pytest.FixtureRequest, api_as: ApiAs, reunion: Gathering, viewer: str
) -> None:
    staff = viewer in STAFF
    html = _client(request, viewer).post(
        f"/gatherings/{reunion.pk}/cancel/", {"occurrence_date": FIRST_REUNION.isoformat()}
    )
    assert html.status_code == (302 if staff else 404)
    api = api_as(request.getfixturevalue(viewer))
    response = api.post(f"/gatherings/{reunion.pk}/cancel", {})
    assert response.status_code == (200 if staff else 404)
    reunion.refresh_from_db()
    assert (reunion.cancelled_at is not None) is staff


@pytest.mark.parametrize("viewer", ALUMNI_AUDIENCE)
def test_only_staff_and_the_host_edit(
    request: pytest.FixtureRequest, api_as: ApiAs, reunion: Gathering, viewer: str
) -> None:
    staff = viewer in STAFF
    assert _client(request, viewer).get(f"/gatherings/{reunion.pk}/edit/").status_code == (
        200 if staff else 404
    )
    response = api_as(request.getfixturevalue(viewer)).patch(
        f"/gatherings/{reunion.pk}", {"title": "Renamed"}
    )
    assert response.status_code == (200 if staff else 404)


@pytest.mark.parametrize("viewer", ALUMNI_AUDIENCE)
def test_only_staff_schedule(
    request: pytest.FixtureRequest, api_as: ApiAs, program: Any, viewer: str
) -> None:
    staff = viewer in STAFF
    assert _client(request, viewer).get("/gatherings/new/").status_code == (
        200 if staff or viewer == "stranger_admin" else 404
    )
    response = api_as(request.getfixturevalue(viewer)).post(
        "/gatherings",
        {
            "program_id": program.pk,
            "title": "Workshop",
            "audience": "alumni",
            "starts_at": "2026-11-20T18:00",
        },
    )
    assert response.status_code == (201 if staff else 422)
    if not staff:
        assert response.json()["error"]["field"] == "program_id"


def test_an_alumnus_host_edits_their_gathering_but_not_its_audience(
    api_as: ApiAs, program: Any, admin: User, alumnus: User, alumnus_client: Client
) -> None:
    from commonroom.gatherings.actions import do_create_gathering
    from tests.gatherings.conftest import reunion_fields

    workshop = do_create_gathering(
        program=program,
        created_by=admin,
        fields=reunion_fields(
            title="Writing workshop", kind="workshop", recurrence="", host_id=alumnus.pk
        ),
    )
    page = alumnus_client.get(f"/gatherings/{workshop.pk}/edit/")
    assert page.status_code == 200
    assert 'name="audience"' not in page.content.decode()
    api = api_as(alumnus)
    assert api.patch(f"/gatherings/{workshop.pk}", {"place": "Online"}).status_code == 200
    refused = api.patch(f"/gatherings/{workshop.pk}", {"audience": "program"})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "audience"
    assert api.post(f"/gatherings/{workshop.pk}/cancel", {}).status_code == 404


def test_a_host_must_be_staff_or_an_alumnus(
    api_as: ApiAs, admin: User, participant: User, program: Any
) -> None:
    response = api_as(admin).post(
        "/gatherings",
        {
            "program_id": program.pk,
            "title": "Workshop",
            "audience": "alumni",
            "starts_at": "2026-11-20T18:00",
            "host_id": participant.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "host_id"


@pytest.mark.parametrize(
    "path",
    ["/gatherings/", "/gatherings/new/", "/gatherings/{id}/", "/gatherings/{id}/edit/"],
)
def test_anonymous_is_sent_to_sign_in(
    anonymous_client: Client, reunion: Gathering, path: str
) -> None:
    response = anonymous_client.get(path.format(id=reunion.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/gatherings/{id}/rsvp/", "/gatherings/{id}/cancel/"])
def test_anonymous_posts_are_sent_to_sign_in(
    anonymous_client: Client, reunion: Gathering, path: str
) -> None:
    response = anonymous_client.post(path.format(id=reunion.pk), {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert reunion.rsvps.count() == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/gatherings"),
        ("post", "/gatherings"),
        ("get", "/gatherings/{id}"),
        ("patch", "/gatherings/{id}"),
        ("post", "/gatherings/{id}/cancel"),
        ("post", "/gatherings/{id}/rsvps"),
        ("patch", "/gatherings/rsvps/1"),
        ("get", "/gatherings/{id}/attendees?occurrence_date=2026-11-12"),
    ],
)
def test_anonymous_gets_401_from_the_api(
    api_as: ApiAs, reunion: Gathering, method: str, path: str
) -> None:
    response = api_as(None).call(
        method, path.format(id=reunion.pk), None if method == "get" else {}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_attendee_list_shows_display_names_only(
    api_as: ApiAs, reunion: Gathering, alumnus: User, mentor: User
) -> None:
    api_as(mentor).post(
        f"/gatherings/{reunion.pk}/rsvps",
        {"occurrence_date": FIRST_REUNION.isoformat(), "response": "going"},
    )
    body = api_as(alumnus).get(
        f"/gatherings/{reunion.pk}/attendees?occurrence_date={FIRST_REUNION.isoformat()}"
    )
    assert body.json()["items"] == [{"display_name": "Jo", "response": "going"}]
    assert mentor.email not in body.content.decode()


def test_the_page_lists_attendees_by_display_name_only(
    alumnus_client: Client, api_as: ApiAs, reunion: Gathering, mentor: User
) -> None:
    api_as(mentor).post(
        f"/gatherings/{reunion.pk}/rsvps",
        {"occurrence_date": FIRST_REUNION.isoformat(), "response": "going"},
    )
    html = alumnus_client.get(f"/gatherings/{reunion.pk}/").content.decode()
    assert "Jo" in html
    assert mentor.email not in html
    assert mentor.legal_name not in html


def test_the_reunion_says_when_it_repeats_in_words(
    alumnus: User, api_as: ApiAs, reunion: Gathering
) -> None:
    page = signed_in_client(alumnus).get(f"/gatherings/{reunion.pk}/").content.decode()
    assert "Every month on the second Thursday" in page
    assert "FREQ=" not in page
    listed = signed_in_client(alumnus).get("/gatherings/").content.decode()
    assert "Every month on the second Thursday" in listed
    body = api_as(alumnus).get(f"/gatherings/{reunion.pk}").json()
    assert body["repeats"] == "Every month on the second Thursday"
    assert body["recurrence"] == "FREQ=MONTHLY;BYDAY=2TH"
