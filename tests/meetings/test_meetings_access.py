"""Refusals for every live-session page and endpoint, per persona."""

from __future__ import annotations

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.meetings.models import Session, SessionException, SessionSeries
from commonroom.meetings.rooms import room_link

pytestmark = pytest.mark.django_db

NOT_ADMIN = [
    "participant",
    "groupmate",
    "outsider",
    "facilitator",
    "other_facilitator",
    "mentor",
    "alumnus",
]
SERIES = {
    "title": "X",
    "rule": "FREQ=WEEKLY;BYDAY=TU",
    "start_date": "2026-12-01",
    "local_start": "09:00",
}


@pytest.mark.parametrize("persona", NOT_ADMIN)
def test_only_admins_change_a_groups_schedule(
    request: pytest.FixtureRequest,
    api_as: object,
    persona: str,
    group: TherapyGroup,
    series: SessionSeries,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/groups/{group.pk}/schedule/").status_code == 404
    assert client.post(f"/groups/{group.pk}/schedule/", {"series-title": "X"}).status_code == 404
    session = series.sessions.first()
    assert session is not None
    exception = {
        "exception-original_date": session.original_date.isoformat(),
        "exception-action": "cancel",
    }
    assert client.post(f"/series/{series.pk}/exceptions/", exception).status_code == 404
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.post(f"/groups/{group.pk}/series", SERIES).status_code == 404
    body = {"original_date": session.original_date.isoformat(), "action": "cancel"}
    assert api.post(f"/series/{series.pk}/exceptions", body).status_code == 404
    assert SessionSeries.objects.count() == 1
    assert not SessionException.objects.exists()


def test_admin_manages_the_schedule_in_the_browser(
    admin_client: Client, group: TherapyGroup
) -> None:
    response = admin_client.post(
        f"/groups/{group.pk}/schedule/",
        {
            "series-title": "Evening group",
            "series-kind": "group_therapy",
            "series-rule": "FREQ=WEEKLY;BYDAY=MO,WE,TH",
            "series-start_date": "2026-12-01",
            "series-local_start": "18:00",
            "series-duration_minutes": 180,
            "series-video_provider": "jitsi",
        },
    )
    assert response.status_code == 302
    series = SessionSeries.objects.get()
    assert series.sessions.exists()
    page = admin_client.get(f"/groups/{group.pk}/schedule/").content.decode()
    assert "FREQ=WEEKLY;BYDAY=MO,WE,TH" in page


def test_a_bad_rule_in_the_browser_names_the_field(
    admin_client: Client, group: TherapyGroup
) -> None:
    response = admin_client.post(
        f"/groups/{group.pk}/schedule/",
        {
            "series-title": "Evening group",
            "series-kind": "group_therapy",
            "series-rule": "FREQ=MINUTELY",
            "series-start_date": "2026-12-01",
            "series-local_start": "18:00",
            "series-duration_minutes": 180,
            "series-video_provider": "jitsi",
        },
    )
    assert response.status_code == 422
    assert "finer than daily" in response.content.decode()
    assert not SessionSeries.objects.exists()


@pytest.mark.parametrize(
    "persona",
    [
        "participant",
        "groupmate",
        "outsider",
        "facilitator",
        "other_facilitator",
        "mentor",
        "alumnus",
    ],
)
def test_weekly_minimums_are_for_program_admins(
    request: pytest.FixtureRequest, api_as: object, persona: str, program: Program
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/programs/{program.pk}/minimums/").status_code == 404
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.get(f"/programs/{program.pk}/minimums").status_code == 404


VISIBLE = {
    "participant": True,
    "groupmate": True,
    "outsider": False,
    "facilitator": True,
    "other_facilitator": False,
    "mentor": False,
    "alumnus": False,
    "admin": True,
}


@pytest.mark.parametrize(("persona", "sees"), VISIBLE.items())
def test_who_sees_a_session(
    request: pytest.FixtureRequest,
    api_as: object,
    persona: str,
    sees: bool,
    live_session: Session,
    group: TherapyGroup,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/sessions/{live_session.pk}/").status_code == (200 if sees else 404)
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.get(f"/sessions/{live_session.pk}").status_code == (200 if sees else 404)
    listed = {s["id"] for s in api.get("/sessions").json()["items"]}
    assert (live_session.pk in listed) is sees
    assert api.get(f"/groups/{group.pk}/series").status_code == (200 if sees else 404)


def test_anonymous_gets_nothing_of_sessions(
    anonymous_client: Client, live_session: Session, program: Program, group: TherapyGroup
) -> None:
    for path in [
        "/sessions/",
        f"/sessions/{live_session.pk}/",
        "/tech-check/",
        f"/groups/{group.pk}/schedule/",
        f"/programs/{program.pk}/minimums/",
    ]:
        assert anonymous_client.get(path)["Location"].startswith("/accounts/login/"), path
    for path in ["/sessions", f"/sessions/{live_session.pk}", f"/programs/{program.pk}/minimums"]:
        assert anonymous_client.get(f"/api/v1{path}").status_code == 401, path
    assert anonymous_client.post("/calendar/feeds/")["Location"].startswith("/accounts/login/")
    assert anonymous_client.post("/api/v1/me/calendar-feeds").status_code == 401


def test_agreement_gates_the_session_page_and_join(
    participant_client: Client,
    api_as: object,
    participant: User,
    program: Program,
    admin: User,
    live_session: Session,
) -> None:
    from commonroom.care.actions import do_publish_agreement

    do_publish_agreement(
        program=program, body="What is said here stays here. No recording.", published_by=admin
    )
    assert participant_client.get(f"/sessions/{live_session.pk}/")["Location"].startswith(
        f"/programs/{program.pk}/agreement/"
    )
    # One gate, one answer: following the join link sends them to the agreement.
    link = room_link(session=live_session, person=participant)
    refused = participant_client.get(link)
    assert refused["Location"].startswith(f"/programs/{program.pk}/agreement/")
    response = api_as(participant).post(f"/sessions/{live_session.pk}/join")  # type: ignore[operator]
    assert response.json()["error"]["code"] == "agreement_required"
