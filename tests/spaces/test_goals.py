"""Goals and accountability: setting a goal opens its thread in the group's
goals space; progress posts once per client id; week counts follow the
person's own time zone; the counts and misses are the person's alone; peers
cheer in the thread; staff of the group see the goals list.

Decided: the goal's thread is a normal thread of the group's goals space, so
groupmates read it and cheer (reactions, replies) -- being seen is the point
of accountability. The goal itself (its pages, progress endpoint, and the
planned/done counts) answers 404 to everyone but its owner."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import TherapyGroup
from commonroom.core.models import AuditEntry
from commonroom.spaces import actions, goals
from commonroom.spaces.models import (
    Event,
    Goal,
    GoalProgress,
    GoalStatus,
    Message,
    Reaction,
    SpaceKind,
    Thread,
)

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
UTC = dt.UTC


def at(zone: ZoneInfo | dt.timezone, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)  # type: ignore[misc]


def set_goal(user: User, **fields: Any) -> Goal:
    values: dict[str, Any] = {
        "what": "Walk 20 minutes after dinner",
        "cadence": "weekly",
        "times_per_week": 3,
        "client_id": uuid.uuid4(),
    } | fields
    goal, _created = goals.do_set_goal(user=user, **values)
    return goal


def progress(goal: Goal, when: dt.datetime, body: str = "Walked today") -> GoalProgress:
    made, _created = goals.do_post_progress(
        goal=goal, user=goal.user, body=body, client_id=uuid.uuid4(), now=when
    )
    return made


# --- setting a goal -----------------------------------------------------------------


def test_a_goal_opens_its_thread_in_the_groups_goals_space(
    participant: User, group: TherapyGroup
) -> None:
    goal = set_goal(participant, by_when=dt.datetime.now(UTC).date() + dt.timedelta(days=30))
    assert goal.thread is not None
    space = goal.thread.space
    assert (space.kind, space.group_id) == (SpaceKind.GOALS, group.pk)
    assert goal.thread.title == "Walk 20 minutes after dinner"
    opening = Message.objects.get(thread=goal.thread)
    assert opening.author_id == participant.pk
    assert "3 times a week" in opening.body
    assert list(Event.objects.filter(stream__key=space.stream_key).values_list("kind", flat=True))[
        :2
    ] == ["thread.new", "message.new"]
    assert AuditEntry.objects.filter(action="goal.create", subject_id=participant.pk).exists()


def test_a_retried_goal_is_stored_once(participant: User) -> None:
    client_id = uuid.uuid4()
    first = set_goal(participant, client_id=client_id)
    again, created = goals.do_set_goal(
        user=participant, what="Walk 20 minutes after dinner", cadence="weekly",
        times_per_week=3, client_id=client_id,
    )  # fmt: skip
    assert (again.pk, created) == (first.pk, False)
    assert Goal.objects.count() == Thread.objects.count() == Message.objects.count() == 1


def test_a_daily_goal_plans_seven_check_ins_a_week(participant: User) -> None:
    goal = set_goal(participant, cadence="daily", times_per_week="")
    assert goal.times_per_week == 7


BAD_PLANS = [
    ("what", {"what": "   "}),
    ("what", {"what": "x" * (goals.WHAT_MAX_CHARS + 1)}),
    ("by_when", {"by_when": "2020-01-01"}),
    ("by_when", {"by_when": "next tuesday"}),
    ("cadence", {"cadence": "sometimes"}),
    ("times_per_week", {"times_per_week": 0}),
    ("times_per_week", {"times_per_week": 8}),
    ("times_per_week", {"times_per_week": "three"}),
]


@pytest.mark.parametrize(("field", "bad"), BAD_PLANS)
def test_a_bad_goal_is_refused_naming_its_field_and_nothing_is_stored(
    participant: User, field: str, bad: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as refused:
        set_goal(participant, **bad)
    assert set(refused.value.error_dict) == {field}
    assert not Goal.objects.exists()
    assert not Thread.objects.exists()
    assert not Message.objects.exists()
    assert not Event.objects.exists()


def test_by_when_is_checked_against_the_persons_own_today(participant: User) -> None:
    participant.time_zone = "Asia/Tokyo"
    participant.save()
    # 20:00 UTC on 1 June is already 2 June in Tokyo: 1 June has passed there.
    with time_machine.travel(at(UTC, 2026, 6, 1, 20, 0), tick=False):
        with pytest.raises(ValidationError) as refused:
            set_goal(participant, by_when="2026-06-01")
        assert set(refused.value.error_dict) == {"by_when"}
        assert set_goal(participant, by_when="2026-06-02").by_when == dt.date(2026, 6, 2)


def test_the_form_shows_the_error_beside_the_field(
    participant_client: Client, participant: User
) -> None:
    response = participant_client.post(
        "/goals/",
        {"what": "", "cadence": "weekly", "times_per_week": "9", "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="goal-what-error"' in html
    assert 'id="goal-times-error"' in html
    assert not Goal.objects.exists()


def test_the_api_error_names_the_field(api_as: Callable[[User], Any], participant: User) -> None:
    response = api_as(participant).post(
        "/me/goals",
        {"what": "Sleep by 11", "by_when": "2001-01-01", "cadence": "daily",
         "client_id": str(uuid.uuid4())},
    )  # fmt: skip
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["field"], error["code"]) == ("by_when", "in_the_past")
    assert not Goal.objects.exists()


# A Wednesday in every zone: on the last day of a person's week a weekly goal
# set that day plans one check-in, not two.
@time_machine.travel(at(UTC, 2026, 3, 4, 15, 0), tick=False)
def test_setting_a_goal_over_the_api_and_retrying_it(
    api_as: Callable[[User], Any], participant: User
) -> None:
    api = api_as(participant)
    data = {"what": "Call my sponsor", "cadence": "weekly", "times_per_week": 2,
            "client_id": str(uuid.uuid4())}  # fmt: skip
    first = api.post("/me/goals", data)
    again = api.post("/me/goals", data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["this_week"]["planned"] == 2
    listed = api.get("/me/goals").json()["goals"]
    assert [g["what"] for g in listed] == ["Call my sponsor"]


def test_an_alumnus_cannot_set_a_goal(
    alumnus: User, alumnus_client: Client, api_as: Callable[[User], Any]
) -> None:
    with pytest.raises(ValidationError):
        set_goal(alumnus)
    page = alumnus_client.post(
        "/goals/", {"what": "x", "cadence": "daily", "client_id": str(uuid.uuid4())}
    )
    assert page.status_code == 422
    api = api_as(alumnus).post(
        "/me/goals", {"what": "x", "cadence": "daily", "client_id": str(uuid.uuid4())}
    )
    assert (api.status_code, api.json()["error"]["code"]) == (422, "no_group")
    assert not Goal.objects.exists()


# --- progress ------------------------------------------------------------------------


def test_a_retried_progress_post_is_stored_once(participant: User) -> None:
    goal = set_goal(participant)
    client_id = uuid.uuid4()
    first, created = goals.do_post_progress(
        goal=goal, user=participant, body="Did it", client_id=client_id
    )
    again, created_again = goals.do_post_progress(
        goal=goal, user=participant, body="Did it", client_id=client_id
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert GoalProgress.objects.count() == 1
    assert Message.objects.filter(thread=goal.thread).count() == 2  # opening + one


def test_a_retried_progress_post_over_the_api_is_stored_once(
    api_as: Callable[[User], Any], participant: User
) -> None:
    goal = set_goal(participant)
    api = api_as(participant)
    data = {"body": "Walked by the river", "client_id": str(uuid.uuid4())}
    first = api.post(f"/goals/{goal.pk}/progress", data)
    again = api.post(f"/goals/{goal.pk}/progress", data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["message_id"] == again.json()["message_id"]
    assert GoalProgress.objects.count() == 1


def test_empty_progress_is_refused_naming_the_body(participant: User) -> None:
    goal = set_goal(participant)
    before = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        progress(goal, at(UTC, 2030, 1, 1, 12), body="  ")
    assert set(refused.value.error_dict) == {"body"}
    assert not GoalProgress.objects.exists()
    assert Event.objects.count() == before


@time_machine.travel(at(UTC, 2026, 3, 2, 15, 0), tick=False)  # a Monday
def test_progress_over_htmx_gets_the_card_back(
    participant_client: Client, participant: User
) -> None:
    goal = set_goal(participant)
    response = participant_client.post(
        f"/goals/{goal.pk}/progress/",
        {"body": "Two walks so far", "client_id": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="goal-{goal.pk}"' in html
    assert "You planned 3 check-ins this week and have done 1." in html


def test_a_refused_htmx_progress_keeps_the_error_beside_the_field(
    participant_client: Client, participant: User
) -> None:
    goal = set_goal(participant)
    response = participant_client.post(
        f"/goals/{goal.pk}/progress/",
        {"body": "", "client_id": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    assert response["X-Commonroom-Refused"] == "1"
    assert f'id="goal-{goal.pk}-body-error"' in response.content.decode()
    assert not GoalProgress.objects.exists()


def test_a_closed_goal_takes_no_progress(participant: User) -> None:
    goal = set_goal(participant)
    goals.do_close_goal(goal=goal, user=participant, status=GoalStatus.DONE)
    with pytest.raises(ValidationError) as refused:
        progress(goal, at(UTC, 2030, 1, 1, 12))
    assert refused.value.code == "closed"


# --- weeks in the person's own time zone ------------------------------------------------


def test_weeks_follow_the_persons_time_zone_across_the_end_of_daylight_time(
    participant: User,
) -> None:
    """New York leaves daylight time on Sunday 1 November 2026. A check-in at
    23:30 that Sunday belongs to the week of 26 October, though in UTC it is
    already Monday; one at 00:30 on Monday belongs to the next week."""
    participant.time_zone = "America/New_York"
    participant.save()
    with time_machine.travel(at(NEW_YORK, 2026, 10, 26, 9, 0), tick=False):
        goal = set_goal(participant)
    progress(goal, at(NEW_YORK, 2026, 10, 27, 8, 0))
    sunday_late = progress(goal, at(NEW_YORK, 2026, 11, 1, 23, 30))
    monday_early = progress(goal, at(NEW_YORK, 2026, 11, 2, 0, 30))
    assert sunday_late.created_at.astimezone(UTC).date() == dt.date(2026, 11, 2)
    assert sunday_late.local_date == dt.date(2026, 11, 1)
    assert monday_early.local_date == dt.date(2026, 11, 2)
    this_week, last_week = goals.week_counts(goal, participant, now=at(NEW_YORK, 2026, 11, 2, 12))
    assert (this_week.start, this_week.planned, this_week.done) == (dt.date(2026, 11, 2), 3, 1)
    assert last_week is not None
    assert (last_week.start, last_week.planned, last_week.done) == (dt.date(2026, 10, 26), 3, 2)


def test_the_week_turns_at_the_persons_midnight_not_utcs(participant: User) -> None:
    participant.time_zone = "Asia/Tokyo"
    participant.save()
    with time_machine.travel(at(TOKYO, 2026, 3, 2, 9, 0), tick=False):
        goal = set_goal(participant)
    # Sunday 20:00 UTC is Monday 05:00 in Tokyo: the new week there.
    made = progress(goal, at(UTC, 2026, 3, 8, 20, 0))
    assert made.local_date == dt.date(2026, 3, 9)
    this_week, _last = goals.week_counts(goal, participant, now=at(UTC, 2026, 3, 8, 21, 0))
    assert (this_week.start, this_week.done) == (dt.date(2026, 3, 9), 1)


def test_two_check_ins_on_one_day_count_once(participant: User) -> None:
    participant.time_zone = "UTC"
    participant.save()
    with time_machine.travel(at(UTC, 2026, 3, 2, 9, 0), tick=False):
        goal = set_goal(participant)
    progress(goal, at(UTC, 2026, 3, 3, 8))
    progress(goal, at(UTC, 2026, 3, 3, 20))
    this_week, _last = goals.week_counts(goal, participant, now=at(UTC, 2026, 3, 4, 8))
    assert this_week.done == 1


def test_a_daily_goal_set_midweek_plans_the_days_left(participant: User) -> None:
    participant.time_zone = "UTC"
    participant.save()
    with time_machine.travel(at(UTC, 2026, 3, 5, 9, 0), tick=False):  # a Thursday
        goal = set_goal(participant, cadence="daily")
        this_week, last_week = goals.week_counts(goal, participant)
    assert (this_week.planned, last_week) == (4, None)


# --- who sees what -------------------------------------------------------------------


@time_machine.travel(at(UTC, 2026, 3, 2, 15, 0), tick=False)  # a Monday
def test_the_goals_page_tells_the_person_what_they_planned_and_did(
    participant_client: Client, participant: User
) -> None:
    goal = set_goal(participant)
    progress(goal, dt.datetime.now(UTC))
    html = participant_client.get("/goals/").content.decode()
    assert "You planned 3 check-ins this week and have done 1." in html


def test_a_missed_check_in_reaches_no_one_but_the_person(
    participant: User,
    participant_client: Client,
    groupmate_client: Client,
    facilitator_client: Client,
    group: TherapyGroup,
    api_as: Callable[[User], Any],
    facilitator: User,
) -> None:
    participant.time_zone = "UTC"
    participant.save()
    with time_machine.travel(at(UTC, 2026, 3, 2, 9, 0), tick=False):
        goal = set_goal(participant)
    events, messages = Event.objects.count(), Message.objects.count()
    with time_machine.travel(at(UTC, 2026, 3, 10, 9, 0), tick=False):  # a week missed
        mine = participant_client.get("/goals/").content.decode()
        assert "Last week: 0 of 3 planned check-ins." in mine
        assert api_as(participant).get("/me/goals").json()["goals"][0]["last_week"]["done"] == 0
        assert goal.thread is not None
        for client in (groupmate_client, facilitator_client):
            page = client.get(f"/threads/{goal.thread.pk}/").content.decode()
            assert "planned" not in page
        staff = facilitator_client.get(f"/groups/{group.pk}/goals/").content.decode()
        assert "Walk 20 minutes" in staff
        assert "planned 3" not in staff
        assert "0 of 3" not in staff
        staff_api = api_as(facilitator).get(f"/groups/{group.pk}/goals").json()["items"]
        assert "this_week" not in staff_api[0]
        assert "last_week" not in staff_api[0]
    # Nothing about the miss was posted or sent to anyone.
    assert (Event.objects.count(), Message.objects.count()) == (events, messages)


def test_groupmates_read_the_thread_and_cheer_with_reactions(
    participant: User, groupmate: User, groupmate_client: Client, outsider_client: Client
) -> None:
    goal = set_goal(participant)
    made = progress(goal, dt.datetime.now(UTC))
    assert goal.thread is not None
    assert groupmate_client.get(f"/threads/{goal.thread.pk}/").status_code == 200
    counts = actions.do_toggle_reaction(message=made.message, user=groupmate, kind="clap")
    assert counts == {"clap": 1}
    assert Reaction.objects.filter(message=made.message, user=groupmate).exists()
    assert outsider_client.get(f"/threads/{goal.thread.pk}/").status_code == 404


@pytest.mark.parametrize(
    "viewer", ["groupmate", "outsider", "facilitator", "other_facilitator", "alumnus"]
)
def test_only_the_person_posts_progress_on_or_closes_their_goal(
    request: pytest.FixtureRequest, api_as: Callable[[User], Any], participant: User, viewer: str
) -> None:
    goal = set_goal(participant)
    client: Client = request.getfixturevalue(f"{viewer}_client")
    data = {"body": "Not yours", "client_id": str(uuid.uuid4())}
    assert client.post(f"/goals/{goal.pk}/progress/", data).status_code == 404
    assert client.post(f"/goals/{goal.pk}/close/", {"status": "done"}).status_code == 404
    api = api_as(request.getfixturevalue(viewer))
    for path in (f"/goals/{goal.pk}/progress", f"/goals/{goal.pk}/done", f"/goals/{goal.pk}/drop"):
        response = api.post(path, data)
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    assert not GoalProgress.objects.exists()
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACTIVE
    assert "Walk 20 minutes" not in client.get("/goals/").content.decode()
    assert api.get("/me/goals").json()["goals"] == []


def test_the_action_refuses_someone_elses_goal(participant: User, groupmate: User) -> None:
    goal = set_goal(participant)
    with pytest.raises(Http404):
        goals.do_post_progress(goal=goal, user=groupmate, body="x", client_id=uuid.uuid4())
    assert not GoalProgress.objects.exists()


def test_anonymous_is_sent_to_sign_in_or_refused(
    anonymous_client: Client, participant: User, group: TherapyGroup
) -> None:
    goal = set_goal(participant)
    for path in ("/goals/", f"/groups/{group.pk}/goals/"):
        response = anonymous_client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    for path in (f"/goals/{goal.pk}/progress/", f"/goals/{goal.pk}/close/"):
        response = anonymous_client.post(path, {"body": "x", "client_id": str(uuid.uuid4())})
        assert response.status_code == 302
    for method, path in (
        ("get", "/api/v1/me/goals"),
        ("post", "/api/v1/me/goals"),
        ("post", f"/api/v1/goals/{goal.pk}/progress"),
        ("post", f"/api/v1/goals/{goal.pk}/done"),
        ("get", f"/api/v1/groups/{group.pk}/goals"),
    ):
        assert getattr(anonymous_client, method)(path).status_code == 401
    assert not GoalProgress.objects.exists()


STAFF_LIST = {
    "facilitator": True,
    "admin": True,
    "other_facilitator": False,
    "outsider": False,
    "groupmate": False,
    "participant": False,
    "alumnus": False,
    "mentor": False,
}


@pytest.mark.parametrize(("viewer", "allowed"), STAFF_LIST.items())
def test_only_the_groups_staff_see_its_goals(
    request: pytest.FixtureRequest,
    api_as: Callable[[User], Any],
    participant: User,
    group: TherapyGroup,
    viewer: str,
    allowed: bool,
) -> None:
    set_goal(participant)
    client: Client = request.getfixturevalue(f"{viewer}_client")
    page = client.get(f"/groups/{group.pk}/goals/")
    api = api_as(request.getfixturevalue(viewer)).get(f"/groups/{group.pk}/goals")
    if allowed:
        assert page.status_code == api.status_code == 200
        assert "Walk 20 minutes" in page.content.decode()
        assert [row["person"]["display_name"] for row in api.json()["items"]] == ["Sam"]
        assert AuditEntry.objects.filter(action="goal.read", subject_id=participant.pk).exists()
    else:
        assert page.status_code == api.status_code == 404
        assert "Walk 20 minutes" not in page.content.decode()
        assert not AuditEntry.objects.filter(action="goal.read").exists()


# --- closing -------------------------------------------------------------------------


def test_marking_a_goal_done_and_dropping_another(
    participant: User, participant_client: Client, api_as: Callable[[User], Any]
) -> None:
    done = set_goal(participant)
    dropped = set_goal(participant, what="No phone after 10pm")
    assert (
        participant_client.post(f"/goals/{done.pk}/close/", {"status": "done"}).status_code == 302
    )
    response = api_as(participant).post(f"/goals/{dropped.pk}/drop")
    assert response.json()["status"] == "dropped"
    done.refresh_from_db()
    dropped.refresh_from_db()
    assert (done.status, dropped.status) == (GoalStatus.DONE, GoalStatus.DROPPED)
    assert done.closed_at is not None
    # A done goal is not dropped afterwards.
    again = api_as(participant).post(f"/goals/{done.pk}/drop")
    assert (again.status_code, again.json()["error"]["field"]) == (422, "status")


def test_closing_posts_nothing(participant: User, api_as: Callable[[User], Any]) -> None:
    goal = set_goal(participant)
    messages, events = Message.objects.count(), Event.objects.count()
    assert api_as(participant).post(f"/goals/{goal.pk}/done").status_code == 200
    assert (Message.objects.count(), Event.objects.count()) == (messages, events)
