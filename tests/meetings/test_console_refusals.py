"""Refusals of the facilitator console, from the outside.

Every console page and API operation refuses everyone but the group's staff;
the participant's side (my breakout room, asking for the facilitator,
joining the room, opting in to co-lead) refuses everyone off the session's
roster. Bad input gets an error naming the problem, and a refused request
leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.core.models import AuditEntry
from commonroom.meetings import console
from commonroom.meetings.actions import do_record_presence
from commonroom.meetings.models import (
    BreakoutRoom,
    BreakoutRound,
    CoLeadOptIn,
    RoundStatus,
    Session,
    SessionPlan,
    SessionStatus,
    ShareLog,
    SharingPrompt,
)
from commonroom.meetings.rooms import room_link
from tests import factories
from tests.conftest import Api

pytestmark = pytest.mark.django_db

# Signed in, but not staff of the session's group.
NOT_STAFF = ["participant", "groupmate", "outsider", "other_facilitator", "mentor", "alumnus"]
# Signed in, but not on the session's roster (the group's active cohort).
NOT_ON_ROSTER = ["outsider", "other_facilitator", "mentor", "alumnus"]


@dataclass(frozen=True)
class Call:
    """One request to a console endpoint. Strings like ``{person}`` in the
    path and the body are filled in with the ids of the staged session."""

    method: str
    path: str
    body: Mapping[str, Any] = field(default_factory=dict)
    _: KW_ONLY
    round: str | None = None  # the breakout round the endpoint acts on: draft or open
    ok: int = 302  # what the group's facilitator (or, on the participant's side, a member) gets
    writes: bool = True

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def page(self, client: Client, ids: Mapping[str, int]) -> Any:
        path = self.path.format(**ids)
        if self.method == "get":
            return client.get(path)
        return client.post(path, self.filled_body(ids))

    def api(self, api: Api, ids: Mapping[str, int]) -> Any:
        body = None if self.method in {"get", "delete"} else self.filled_body(ids)
        return api.call(self.method, self.path.format(**ids), body)

    def filled_body(self, ids: Mapping[str, int]) -> dict[str, Any]:
        return {key: _filled(value, ids) for key, value in self.body.items()}


def _filled(value: Any, ids: Mapping[str, int]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


STAFF_PAGES = [
    Call("get", "/sessions/{session}/console/", ok=200, writes=False),
    Call("get", "/sessions/{session}/console/live/", ok=200, writes=False),
    Call("post", "/sessions/{session}/shares/{person}/", {"length": "brief"}),
    Call("post", "/sessions/{session}/shares/{person}/", {"undo": "1"}),
    Call("post", "/sessions/{session}/breakouts/plan/", {"mode": "count", "number": "2"}),
    Call(
        "post",
        "/sessions/{session}/breakouts/move/",
        {"user": "{person}", "room": 2},
        round="draft",
    ),
    Call("post", "/sessions/{session}/breakouts/open/", round="draft"),
    Call("post", "/sessions/{session}/breakouts/extend/", {"minutes": "5"}, round="open"),
    Call(
        "post", "/sessions/{session}/breakouts/broadcast/", {"message": "Two minutes"}, round="open"
    ),
    Call("post", "/sessions/{session}/breakouts/close/", round="open"),
    Call("post", "/sessions/{session}/prompt/", {"prompt": "{prompt}"}),
    Call("post", "/sessions/{session}/prompts/new/", {"text": "What surprised you today?"}),
    Call("post", "/sessions/{session}/co-lead/"),
]

STAFF_API = [
    Call("get", "/sessions/{session}/console", ok=200, writes=False),
    Call("post", "/sessions/{session}/shares", {"user_id": "{person}", "length": "long"}, ok=201),
    Call("delete", "/sessions/{session}/shares/{person}", ok=200),
    Call("post", "/sessions/{session}/breakouts", {"room_count": 2}, ok=201),
    Call(
        "post",
        "/sessions/{session}/breakouts/move",
        {"user_id": "{person}", "room": 2},
        round="draft",
        ok=200,
    ),
    Call("post", "/sessions/{session}/breakouts/open", round="draft", ok=200),
    Call("post", "/sessions/{session}/breakouts/extend", {"minutes": 5}, round="open", ok=200),
    Call(
        "post",
        "/sessions/{session}/breakouts/broadcast",
        {"message": "Two minutes"},
        round="open",
        ok=200,
    ),
    Call("post", "/sessions/{session}/breakouts/close", round="open", ok=204),
    Call("post", "/sessions/{session}/prompt", {"prompt_id": "{prompt}"}, ok=204),
]

ROSTER_PAGES = [
    Call("get", "/sessions/{session}/my-breakout/", round="open", ok=200, writes=False),
    Call("post", "/sessions/{session}/my-breakout/ask/", round="open"),
    Call("get", "/sessions/{session}/my-breakout/join/", round="open", writes=False),
    Call("post", "/sessions/{session}/co-lead/opt-in/", {"opt_in": "1"}, round="open"),
]

MY_BREAKOUT_API = Call("get", "/sessions/{session}/my-breakout", round="open", ok=200, writes=False)
ASK_API = Call("post", "/sessions/{session}/my-breakout/ask", round="open", ok=204)
OPT_IN_API = Call(
    "post", "/sessions/{session}/co-lead/opt-in", {"opt_in": True}, round="open", ok=204
)
ROSTER_API = [MY_BREAKOUT_API, ASK_API, OPT_IN_API]


# --- the staged session ---------------------------------------------------------------


@pytest.fixture
def crowd(program: Program, group: TherapyGroup) -> list[User]:
    people = []
    for name in ("Ana", "Ben"):
        person: User = factories.UserFactory.create(display_name=name)
        factories.enroll(person, program)
        factories.join(person, group)
        people.append(person)
    return people


def make_round(
    session: Session, status: str, rooms: list[list[User]], *, by: User
) -> BreakoutRound:
    """A round in a chosen state with chosen rooms (planning picks its own)."""
    now = timezone.now()
    breakout = BreakoutRound.objects.create(
        session=session,
        status=status,
        duration_minutes=10,
        created_by=by,
        opened_at=None if status == RoundStatus.DRAFT else now,
        ends_at=None if status == RoundStatus.DRAFT else now + timedelta(minutes=10),
    )
    for number, members in enumerate(rooms, start=1):
        BreakoutRoom.objects.create(round=breakout, number=number).members.set(members)
    return breakout


@pytest.fixture
def stage(
    program: Program,
    facilitator: User,
    participant: User,
    groupmate: User,
    alumnus: User,
    crowd: list[User],
    live_session: Session,
) -> Callable[[str | None], dict[str, int]]:
    """The session mid-way: one turn logged, a prompt to choose and, when the
    endpoint needs one, a round. The participant shares room 1 with the
    alumnus (who completed the program after the rooms were made); the
    groupmate is on the roster but in no room."""

    def _stage(round_status: str | None) -> dict[str, int]:
        prompt = SharingPrompt.objects.create(program=program, text="What gave you hope?")
        console.do_log_share(
            session=live_session, user_id=participant.pk, logged_by=facilitator, kind="passed"
        )
        if round_status is not None:
            make_round(live_session, round_status, [[participant, alumnus], crowd], by=facilitator)
        return {"session": live_session.pk, "person": participant.pk, "prompt": prompt.pk}

    return _stage


def snapshot(session: Session) -> dict[str, object]:
    """Everything a console endpoint can write."""
    return {
        "shares": list(session.shares.values_list("pk", "user_id", "kind", "length")),
        "rounds": list(
            BreakoutRound.objects.filter(session=session).values_list(
                "pk", "status", "ends_at", "broadcast", "broadcast_at"
            )
        ),
        "rooms": sorted(
            BreakoutRoom.members.through.objects.filter(
                breakoutroom__round__session=session
            ).values_list("breakoutroom__round_id", "breakoutroom__number", "user_id")
        ),
        "asked": list(
            BreakoutRoom.objects.filter(facilitator_asked_at__isnull=False).values_list(
                "pk", flat=True
            )
        ),
        "plan": list(SessionPlan.objects.filter(session=session).values_list("prompt", "co_lead")),
        "prompts": sorted(SharingPrompt.objects.values_list("pk", flat=True)),
        "opt_ins": sorted(CoLeadOptIn.objects.values_list("group_id", "user_id")),
        "audit": AuditEntry.objects.filter(
            action__in=["breakouts.plan", "breakouts.open", "session.prompt"]
        ).count(),
    }


def said(response: Any) -> list[str]:
    """The messages a page request left for the next page."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def refused(response: Any, status: int = 422) -> dict[str, str]:
    """The API's one error shape, after checking the status."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    return dict(body["error"])


# --- who may use the facilitator's side ---------------------------------------------


@pytest.mark.parametrize("call", STAFF_PAGES, ids=str)
@pytest.mark.parametrize("persona", NOT_STAFF)
def test_console_pages_are_not_found_for_anyone_but_the_groups_staff(
    request: pytest.FixtureRequest,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    persona: str,
    call: Call,
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.page(request.getfixturevalue(f"{persona}_client"), ids)
    assert response.status_code == 404
    assert snapshot(live_session) == before


@pytest.mark.parametrize("call", STAFF_API, ids=str)
@pytest.mark.parametrize("persona", NOT_STAFF)
def test_console_api_is_not_found_for_anyone_but_the_groups_staff(
    request: pytest.FixtureRequest,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    persona: str,
    call: Call,
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.api(Api(request.getfixturevalue(persona)), ids)
    assert refused(response, 404) == {"code": "not_found", "message": "Not found."}
    assert snapshot(live_session) == before


@pytest.mark.parametrize("call", STAFF_PAGES + ROSTER_PAGES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in_from_console_pages(
    anonymous_client: Client,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    call: Call,
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.page(anonymous_client, ids)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(live_session) == before


@pytest.mark.parametrize("call", STAFF_API + ROSTER_API, ids=str)
def test_anonymous_console_api_calls_are_unauthenticated(
    stage: Callable[[str | None], dict[str, int]], live_session: Session, call: Call
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.api(Api(None), ids)
    assert refused(response, 401)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert snapshot(live_session) == before


@pytest.mark.parametrize("persona", ["facilitator", "admin"])
@pytest.mark.parametrize("call", STAFF_PAGES, ids=str)
def test_the_groups_staff_use_every_console_page(
    request: pytest.FixtureRequest,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    persona: str,
    call: Call,
) -> None:
    """The other side of the refusals: the same requests work for staff."""
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.page(request.getfixturevalue(f"{persona}_client"), ids)
    assert response.status_code == call.ok
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert (snapshot(live_session) != before) is call.writes


@pytest.mark.parametrize("persona", ["facilitator", "admin"])
@pytest.mark.parametrize("call", STAFF_API, ids=str)
def test_the_groups_staff_use_every_console_api_operation(
    request: pytest.FixtureRequest,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    persona: str,
    call: Call,
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.api(Api(request.getfixturevalue(persona)), ids)
    assert response.status_code == call.ok, response.content
    assert (snapshot(live_session) != before) is call.writes


# --- who may use the participant's side ------------------------------------------------


@pytest.mark.parametrize("call", ROSTER_PAGES, ids=str)
@pytest.mark.parametrize("persona", NOT_ON_ROSTER)
def test_breakout_pages_are_not_found_for_anyone_off_the_roster(
    request: pytest.FixtureRequest,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    persona: str,
    call: Call,
) -> None:
    """The alumnus is still listed in room 1: completing the program ends
    their place in it all the same."""
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.page(request.getfixturevalue(f"{persona}_client"), ids)
    assert response.status_code == 404
    assert snapshot(live_session) == before


@pytest.mark.parametrize("call", ROSTER_API, ids=str)
@pytest.mark.parametrize("persona", NOT_ON_ROSTER)
def test_breakout_api_is_not_found_for_anyone_off_the_roster(
    request: pytest.FixtureRequest,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    persona: str,
    call: Call,
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.api(Api(request.getfixturevalue(persona)), ids)
    assert refused(response, 404)["code"] == "not_found"
    assert snapshot(live_session) == before


@pytest.mark.parametrize("persona", ["facilitator", "admin"])
def test_staff_cannot_opt_in_to_co_lead_a_group_they_run(
    request: pytest.FixtureRequest,
    stage: Callable[[str | None], dict[str, int]],
    persona: str,
) -> None:
    ids = stage(None)
    client: Client = request.getfixturevalue(f"{persona}_client")
    page = client.post(f"/sessions/{ids['session']}/co-lead/opt-in/", {"opt_in": "1"})
    assert page.status_code == 404
    api = Api(request.getfixturevalue(persona))
    response = OPT_IN_API.api(api, ids)
    assert refused(response, 404)["code"] == "not_found"
    assert not CoLeadOptIn.objects.exists()


@pytest.mark.parametrize("call", ROSTER_PAGES, ids=str)
def test_a_member_of_a_room_uses_every_breakout_page(
    participant_client: Client,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    call: Call,
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.page(participant_client, ids)
    assert response.status_code == call.ok
    assert (snapshot(live_session) != before) is call.writes


def test_a_member_of_a_room_is_sent_to_the_rooms_video(
    participant: User,
    participant_client: Client,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
) -> None:
    stage("open")
    link = room_link(session=live_session, person=participant, purpose="breakout")
    response = participant_client.get(link)
    assert response["Location"].startswith("https://meet.example.org/")


def test_a_breakout_link_signed_for_someone_else_is_refused(
    participant_client: Client,
    groupmate: User,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
) -> None:
    stage("open")
    link = room_link(session=live_session, person=groupmate, purpose="breakout")
    response = participant_client.get(link)
    assert response["Location"] == f"/sessions/{live_session.pk}/"


@pytest.mark.parametrize("call", ROSTER_API, ids=str)
def test_a_member_of_a_room_uses_every_breakout_api_operation(
    participant: User,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    call: Call,
) -> None:
    ids = stage(call.round)
    before = snapshot(live_session)
    response = call.api(Api(participant), ids)
    assert response.status_code == call.ok, response.content
    assert (snapshot(live_session) != before) is call.writes


def test_someone_on_the_roster_but_in_no_room_has_no_room_to_ask_for_or_join(
    groupmate: User,
    groupmate_client: Client,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
) -> None:
    ids = stage("open")
    before = snapshot(live_session)
    assert groupmate_client.post(f"/sessions/{ids['session']}/my-breakout/ask/").status_code == 404
    assert groupmate_client.get(f"/sessions/{ids['session']}/my-breakout/join/").status_code == 404
    api = Api(groupmate)
    assert refused(ASK_API.api(api, ids), 404)["code"] == "not_found"
    assert MY_BREAKOUT_API.api(api, ids).status_code == 204
    page = groupmate_client.get(f"/sessions/{ids['session']}/my-breakout/")
    assert page.status_code == 200
    assert "You are in breakout room" not in page.content.decode()
    assert snapshot(live_session) == before


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.CLOSED])
def test_rooms_that_are_not_open_cannot_be_asked_for_or_joined(
    participant: User,
    participant_client: Client,
    stage: Callable[[str | None], dict[str, int]],
    live_session: Session,
    status: str,
) -> None:
    """A draft is the facilitator's to change, and a closed round is over:
    neither is anyone's room yet (or still)."""
    ids = stage(status)
    before = snapshot(live_session)
    assert (
        participant_client.post(f"/sessions/{ids['session']}/my-breakout/ask/").status_code == 404
    )
    assert (
        participant_client.get(f"/sessions/{ids['session']}/my-breakout/join/").status_code == 404
    )
    api = Api(participant)
    assert refused(ASK_API.api(api, ids), 404)["code"] == "not_found"
    assert MY_BREAKOUT_API.api(api, ids).status_code == 204
    assert snapshot(live_session) == before


# --- turns in the go-round -----------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["outsider", "other_facilitator", "mentor", "alumnus", "facilitator", "nobody"]
)
def test_a_turn_for_someone_off_the_roster_is_refused_with_not_on_roster(
    request: pytest.FixtureRequest,
    api_as: Callable[[User | None], Api],
    facilitator: User,
    facilitator_client: Client,
    live_session: Session,
    who: str,
) -> None:
    user_id = 10**9 if who == "nobody" else request.getfixturevalue(who).pk
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/shares", {"user_id": user_id})
    assert refused(response) == {
        "code": "not_on_roster",
        "message": "This person is not on the session's roster.",
        "field": "user",
    }
    partial = facilitator_client.post(
        f"/sessions/{live_session.pk}/shares/{user_id}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "This person is not on the session&#x27;s roster." in partial
    page = facilitator_client.post(f"/sessions/{live_session.pk}/shares/{user_id}/")
    assert said(page) == ["This person is not on the session's roster."]
    assert not ShareLog.objects.exists()


def test_a_turn_of_an_unknown_length_is_refused(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    participant: User,
    live_session: Session,
) -> None:
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/shares", {"user_id": participant.pk, "length": "endless"}
    )
    error = refused(response)
    assert (error["code"], error["field"]) == ("invalid", "length")
    assert not ShareLog.objects.exists()


def test_a_turn_without_a_person_names_the_missing_field(
    api_as: Callable[[User | None], Api], facilitator: User, live_session: Session
) -> None:
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/shares", {"length": "long"})
    assert refused(response) == {
        "code": "required",
        "message": "user_id is required.",
        "field": "user_id",
    }


def test_undoing_a_turn_takes_back_only_that_persons_last_turn(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    participant: User,
    groupmate: User,
    outsider: User,
    live_session: Session,
) -> None:
    console.do_log_share(session=live_session, user_id=participant.pk, logged_by=facilitator)
    console.do_log_share(session=live_session, user_id=groupmate.pk, logged_by=facilitator)
    api = api_as(facilitator)
    assert api.delete(f"/sessions/{live_session.pk}/shares/{outsider.pk}").status_code == 200
    assert api.delete(f"/sessions/{live_session.pk}/shares/{groupmate.pk}").status_code == 200
    assert list(live_session.shares.values_list("user_id", flat=True)) == [participant.pk]


# --- planning breakout rooms -------------------------------------------------------------


@pytest.fixture
def here(
    participant: User, groupmate: User, crowd: list[User], live_session: Session
) -> list[User]:
    """Four people in the session."""
    people = [participant, groupmate, *crowd]
    for person in people:
        do_record_presence(session=live_session, user=person, kind="join", source="join_click")
    return people


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({"room_count": 0}, "room_count"),
        ({"room_count": -2}, "room_count"),
        ({"room_count": 31}, "room_count"),
        ({"room_size": 1}, "room_size"),
        ({"room_count": 2, "duration_minutes": 0}, "duration_minutes"),
        ({"room_count": 2, "duration_minutes": 121}, "duration_minutes"),
        ({"room_count": "two"}, "room_count"),
    ],
)
def test_a_plan_outside_the_schema_is_refused_naming_the_field(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    here: list[User],
    live_session: Session,
    body: dict[str, Any],
    field_name: str,
) -> None:
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/breakouts", body)
    error = refused(response)
    assert (error["code"], error["field"]) == ("invalid", field_name)
    assert error["message"].startswith(f"{field_name}: ")
    assert not BreakoutRound.objects.exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"room_count": 5},
            {
                "code": "invalid",
                "message": "must be between 1 and 4 (one per person)",
                "field": "room_count",
            },
        ),
        (
            {"room_count": 2, "room_size": 2},
            {
                "code": "required",
                "message": "Ask for a number of rooms or a room size.",
                "field": "room_count",
            },
        ),
        (
            {},
            {
                "code": "required",
                "message": "Ask for a number of rooms or a room size.",
                "field": "room_count",
            },
        ),
    ],
    ids=["more-rooms-than-people", "both-count-and-size", "neither"],
)
def test_a_plan_that_cannot_be_made_says_why_and_keeps_the_draft(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    here: list[User],
    live_session: Session,
    body: dict[str, Any],
    expected: dict[str, str],
) -> None:
    """Planning replaces the current draft, but only once the new plan exists."""
    draft = make_round(live_session, RoundStatus.DRAFT, [here[:2], here[2:]], by=facilitator)
    before = snapshot(live_session)
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/breakouts", body)
    assert refused(response) == expected
    assert snapshot(live_session) == before
    assert console.current_round(live_session) == draft


def test_a_plan_needs_two_people(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    participant: User,
    live_session: Session,
) -> None:
    do_record_presence(session=live_session, user=participant, kind="join", source="join_click")
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/breakouts", {"room_count": 1})
    assert refused(response) == {
        "code": "too_few",
        "message": "Breakout rooms need at least two people in the session.",
    }
    assert not BreakoutRound.objects.exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"mode": "count", "number": "0"}, "must be between 1 and 4 (one per person)"),
        ({"mode": "count", "number": "9"}, "must be between 1 and 4 (one per person)"),
        ({"mode": "size", "number": "0"}, "must be at least 1"),
        ({"mode": "count"}, "Ask for a number of rooms or a room size."),
        ({"mode": "count", "number": "two"}, "Ask for a number of rooms or a room size."),
        ({"mode": "sideways", "number": "2"}, "Ask for a number of rooms or a room size."),
        *[
            (
                {"mode": "count", "number": "2", "duration_minutes": minutes},
                "Breakouts last from 1 to 120 minutes.",
            )
            for minutes in ["500", "0", "-10", "a while", ""]
        ],
    ],
)
def test_a_plan_from_the_console_page_that_cannot_be_made_says_why(
    facilitator_client: Client,
    here: list[User],
    live_session: Session,
    form: dict[str, str],
    message: str,
) -> None:
    response = facilitator_client.post(f"/sessions/{live_session.pk}/breakouts/plan/", form)
    assert response["Location"] == f"/sessions/{live_session.pk}/console/"
    assert said(response) == [message]
    assert not BreakoutRound.objects.exists()


def test_a_plan_from_the_console_page_without_a_duration_lasts_fifteen_minutes(
    facilitator_client: Client, here: list[User], live_session: Session
) -> None:
    facilitator_client.post(
        f"/sessions/{live_session.pk}/breakouts/plan/", {"mode": "count", "number": "2"}
    )
    assert BreakoutRound.objects.get(session=live_session).duration_minutes == 15


# --- adjusting and running the rooms ----------------------------------------------------


@pytest.fixture
def draft(facilitator: User, here: list[User], live_session: Session) -> BreakoutRound:
    """Room 1: Sam and Lucia; room 2: Ana and Ben."""
    return make_round(live_session, RoundStatus.DRAFT, [here[:2], here[2:]], by=facilitator)


@pytest.mark.parametrize("room", [0, 3, 99, -1])
def test_moving_someone_to_a_room_that_does_not_exist_is_refused(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    participant: User,
    draft: BreakoutRound,
    live_session: Session,
    room: int,
) -> None:
    before = snapshot(live_session)
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/breakouts/move", {"user_id": participant.pk, "room": room}
    )
    assert refused(response) == {
        "code": "invalid",
        "message": "There is no such room.",
        "field": "room",
    }
    assert snapshot(live_session) == before


def test_moving_someone_to_a_missing_room_from_the_console_page_says_so(
    facilitator_client: Client, participant: User, draft: BreakoutRound, live_session: Session
) -> None:
    before = snapshot(live_session)
    response = facilitator_client.post(
        f"/sessions/{live_session.pk}/breakouts/move/", {"user": participant.pk, "room": "3"}
    )
    assert said(response) == ["There is no such room."]
    assert snapshot(live_session) == before


@pytest.mark.parametrize("who", ["outsider", "alumnus", "nobody"])
def test_moving_someone_who_is_not_in_the_round_is_refused(
    request: pytest.FixtureRequest,
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
    who: str,
) -> None:
    user_id = 10**9 if who == "nobody" else request.getfixturevalue(who).pk
    before = snapshot(live_session)
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/breakouts/move", {"user_id": user_id, "room": 1}
    )
    assert refused(response) == {
        "code": "invalid",
        "message": "This person is not in this round.",
        "field": "user",
    }
    assert snapshot(live_session) == before


@pytest.mark.parametrize("minutes", [0, -5, 31, 10_000])
def test_extending_by_an_unreasonable_time_is_refused(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
    minutes: int,
) -> None:
    console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    before = snapshot(live_session)
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/breakouts/extend", {"minutes": minutes}
    )
    error = refused(response)
    assert (error["code"], error["field"]) == ("invalid", "minutes")
    assert snapshot(live_session) == before


@pytest.mark.parametrize("minutes", ["60", "0", "-5", "five", ""])
def test_extending_by_an_unreasonable_time_from_the_console_page_says_the_limit(
    facilitator: User,
    facilitator_client: Client,
    draft: BreakoutRound,
    live_session: Session,
    minutes: str,
) -> None:
    """Not quietly read as the default five minutes: the facilitator asked
    for something else."""
    console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    before = snapshot(live_session)
    response = facilitator_client.post(
        f"/sessions/{live_session.pk}/breakouts/extend/", {"minutes": minutes}
    )
    assert said(response) == ["Extend by 1 to 30 minutes."]
    assert snapshot(live_session) == before


def test_extending_from_the_console_page_without_a_time_adds_five_minutes(
    facilitator: User, facilitator_client: Client, draft: BreakoutRound, live_session: Session
) -> None:
    opened = console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    assert opened.ends_at is not None
    facilitator_client.post(f"/sessions/{live_session.pk}/breakouts/extend/")
    draft.refresh_from_db()
    assert draft.ends_at == opened.ends_at + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("message", "code"),
    [("", "invalid"), ("   ", "required"), ("x" * 301, "invalid")],
    ids=["empty", "blank", "overlong"],
)
def test_a_broadcast_that_is_empty_or_overlong_is_refused(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
    message: str,
    code: str,
) -> None:
    console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    before = snapshot(live_session)
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/breakouts/broadcast", {"message": message}
    )
    error = refused(response)
    assert (error["code"], error["field"]) == (code, "message")
    assert snapshot(live_session) == before


@pytest.mark.parametrize(
    ("message", "said_back"),
    [
        ("", "Write the message to send to every room."),
        ("  \n ", "Write the message to send to every room."),
        ("x" * 301, "Keep the message under 300 characters."),
    ],
    ids=["empty", "blank", "overlong"],
)
def test_a_broadcast_from_the_console_page_that_is_empty_or_overlong_says_why(
    facilitator: User,
    facilitator_client: Client,
    draft: BreakoutRound,
    live_session: Session,
    message: str,
    said_back: str,
) -> None:
    console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    before = snapshot(live_session)
    response = facilitator_client.post(
        f"/sessions/{live_session.pk}/breakouts/broadcast/", {"message": message}
    )
    assert said(response) == [said_back]
    assert snapshot(live_session) == before


def test_a_broadcast_of_exactly_300_characters_is_sent(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/breakouts/broadcast", {"message": "x" * 300}
    )
    assert response.json()["broadcast"] == "x" * 300


@pytest.mark.parametrize("action", ["dance", "delete", "reopen", "plan-all"])
def test_an_unknown_breakout_action_is_not_found(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    facilitator_client: Client,
    draft: BreakoutRound,
    live_session: Session,
    action: str,
) -> None:
    before = snapshot(live_session)
    assert (
        facilitator_client.post(f"/sessions/{live_session.pk}/breakouts/{action}/").status_code
        == 404
    )
    api = api_as(facilitator)
    assert api.post(f"/sessions/{live_session.pk}/breakouts/{action}").status_code == 404
    assert snapshot(live_session) == before


def test_breakout_actions_only_answer_posts(
    facilitator_client: Client, draft: BreakoutRound, live_session: Session
) -> None:
    for action in ("plan", "move", "open", "extend", "broadcast", "close"):
        response = facilitator_client.get(f"/sessions/{live_session.pk}/breakouts/{action}/")
        assert response.status_code == 405, action
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DRAFT


# --- actions on a round in the wrong state --------------------------------------------


def _close(facilitator: User, breakout: BreakoutRound) -> None:
    console.do_open_breakouts(breakout=breakout, opened_by=facilitator)
    console.do_close_breakouts(breakout=breakout, closed_by=facilitator)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("open", None),
        ("close", None),
        ("extend", {"minutes": 5}),
        ("broadcast", {"message": "Two minutes left"}),
        ("move", {"user_id": 0, "room": 1}),
    ],
)
def test_actions_on_closed_rooms_are_not_found(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    facilitator_client: Client,
    draft: BreakoutRound,
    live_session: Session,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    """A stale console tab: the round was closed meanwhile. There is no
    current round left to act on."""
    _close(facilitator, draft)
    before = snapshot(live_session)
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/breakouts/{path}", body)
    assert refused(response, 404)["code"] == "not_found"
    page = facilitator_client.post(f"/sessions/{live_session.pk}/breakouts/{path}/", body or {})
    assert page.status_code == 404
    assert snapshot(live_session) == before


def test_opening_rooms_twice_is_refused(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    api = api_as(facilitator)
    assert api.post(f"/sessions/{live_session.pk}/breakouts/open").status_code == 200
    before = snapshot(live_session)
    response = api.post(f"/sessions/{live_session.pk}/breakouts/open")
    assert refused(response) == {
        "code": "not_draft",
        "message": "These rooms are already open or closed.",
    }
    assert snapshot(live_session) == before


def test_open_rooms_cannot_be_rearranged(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    participant: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    before = snapshot(live_session)
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/breakouts/move", {"user_id": participant.pk, "room": 2}
    )
    assert refused(response) == {
        "code": "not_draft",
        "message": "Rooms can only be changed before they open.",
    }
    assert snapshot(live_session) == before


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("extend", {"minutes": 5}, "Only open rooms can be extended."),
        ("broadcast", {"message": "Two minutes left"}, "Only open rooms receive messages."),
    ],
)
def test_a_draft_cannot_be_extended_or_sent_messages(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
    path: str,
    body: dict[str, Any],
    message: str,
) -> None:
    before = snapshot(live_session)
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/breakouts/{path}", body)
    assert refused(response) == {"code": "not_open", "message": message}
    assert snapshot(live_session) == before


def test_new_rooms_cannot_be_planned_while_rooms_are_open(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    api = api_as(facilitator)
    api.post(f"/sessions/{live_session.pk}/breakouts/open")
    response = api.post(f"/sessions/{live_session.pk}/breakouts", {"room_count": 2})
    assert refused(response)["code"] == "rooms_open"
    assert api.post(f"/sessions/{live_session.pk}/breakouts/close").status_code == 204
    draft.refresh_from_db()
    assert draft.status == RoundStatus.CLOSED


def test_closing_rooms_that_never_opened_is_refused(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/breakouts/close")
    assert refused(response)["code"] == "not_open"
    draft.refresh_from_db()
    assert draft.status == RoundStatus.DRAFT


def test_rooms_of_a_cancelled_session_do_not_open(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    Session.objects.filter(pk=live_session.pk).update(status=SessionStatus.CANCELLED)
    before = snapshot(live_session)
    response = api_as(facilitator).post(f"/sessions/{live_session.pk}/breakouts/open")
    assert refused(response) == {"code": "cancelled", "message": "The session was cancelled."}
    assert snapshot(live_session) == before


# --- prompts ------------------------------------------------------------------------


@pytest.fixture
def other_program() -> Program:
    program: Program = factories.ProgramFactory.create(name="Morning IOP", slug="morning-iop")
    return program


@pytest.mark.parametrize("whose", ["other-program", "other-facilitator", "missing"])
def test_a_prompt_the_facilitator_may_not_use_is_not_found(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    facilitator_client: Client,
    other_facilitator: User,
    program: Program,
    other_program: Program,
    live_session: Session,
    whose: str,
) -> None:
    prompt_id = {
        "other-program": lambda: (
            SharingPrompt.objects.create(program=other_program, text="Another program's prompt.").pk
        ),
        "other-facilitator": lambda: (
            SharingPrompt.objects.create(
                program=program, owner=other_facilitator, text="Priya's own prompt."
            ).pk
        ),
        "missing": lambda: 10**9,
    }[whose]()
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/prompt", {"prompt_id": prompt_id}
    )
    assert refused(response, 404)["code"] == "not_found"
    page = facilitator_client.post(f"/sessions/{live_session.pk}/prompt/", {"prompt": prompt_id})
    assert page.status_code == 404
    assert not SessionPlan.objects.exists()


def test_a_facilitators_own_prompt_from_another_program_is_not_found(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    other_program: Program,
    live_session: Session,
) -> None:
    prompt = SharingPrompt.objects.create(
        program=other_program, owner=facilitator, text="Marcus's prompt for another program."
    )
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/prompt", {"prompt_id": prompt.pk}
    )
    assert refused(response, 404)["code"] == "not_found"
    assert not SessionPlan.objects.exists()


@pytest.mark.parametrize("whose", ["library", "program", "own"])
def test_the_facilitator_chooses_a_library_program_or_own_prompt(
    api_as: Callable[[User | None], Api],
    facilitator: User,
    program: Program,
    live_session: Session,
    whose: str,
) -> None:
    prompt = {
        "library": lambda: SharingPrompt.objects.get(key="grateful-this-week"),
        "program": lambda: SharingPrompt.objects.create(program=program, text="Program's."),
        "own": lambda: SharingPrompt.objects.create(
            program=program, owner=facilitator, text="Marcus's own."
        ),
    }[whose]()
    response = api_as(facilitator).post(
        f"/sessions/{live_session.pk}/prompt", {"prompt_id": prompt.pk}
    )
    assert response.status_code == 204
    assert SessionPlan.objects.get(session=live_session).prompt == prompt


@pytest.mark.parametrize("text", ["", "   ", "Why?", "  Feelings  "])
def test_a_prompt_too_short_to_be_a_question_is_refused(
    facilitator_client: Client, live_session: Session, text: str
) -> None:
    prompts_before = SharingPrompt.objects.count()
    response = facilitator_client.post(
        f"/sessions/{live_session.pk}/prompts/new/", {"text": text, "tags": "hope"}
    )
    assert said(response) == ["Write the prompt as a full question or invitation."]
    assert SharingPrompt.objects.count() == prompts_before
