"""The structured daily check-in: the action, streaks in the person's own time
zone, the pages, and who sees what."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from commonroom.accounts.models import User
from commonroom.care.actions.agreements import do_publish_agreement
from commonroom.care.models import Program, TherapyGroup
from commonroom.core.models import AuditEntry
from commonroom.realtime import events
from commonroom.realtime.models import Event
from commonroom.spaces import checkins
from commonroom.spaces.events import CHECKIN_KEYS
from commonroom.spaces.models import CheckIn, Message, Space, SpaceKind

pytestmark = pytest.mark.django_db

STAFF = "facilitators"
CHICAGO = ZoneInfo("America/Chicago")
NEW_YORK = ZoneInfo("America/New_York")


def check_in(user: User, program: Program, **fields: Any) -> CheckIn:
    """Checks in through the action; every answer has a sensible default."""
    values: dict[str, Any] = {
        "mood": 7,
        "craving": 2,
        "sleep_hours": "7.5",
        "grateful_for": "my sister's call",
        "note": "",
        "audience": "group",
        "client_id": uuid.uuid4(),
    } | fields
    checkin, _created = checkins.do_check_in(user=user, program=program, **values)
    return checkin


def form(**fields: Any) -> dict[str, Any]:
    return {
        "mood": "7",
        "craving": "2",
        "sleep_hours": "7.5",
        "grateful_for": "my sister's call",
        "note": "",
        "audience": "group",
        "client_id": str(uuid.uuid4()),
    } | fields


def local(zone: ZoneInfo, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)  # type: ignore[misc]


# --- storing a check-in -------------------------------------------------------------


def test_a_retry_with_the_same_client_id_stores_one_checkin(
    participant: User, program: Program
) -> None:
    client_id = uuid.uuid4()
    first, created = checkins.do_check_in(
        user=participant, program=program, mood=6, craving=1, sleep_hours=8,
        audience="group", client_id=client_id,
    )  # fmt: skip
    again, created_again = checkins.do_check_in(
        user=participant, program=program, mood=6, craving=1, sleep_hours=8,
        audience="group", client_id=client_id,
    )  # fmt: skip
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert CheckIn.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_retried_form_post_stores_one_checkin(
    participant_client: Client, participant: User
) -> None:
    data = form()
    assert participant_client.post("/checkins/", data).status_code == 302
    assert participant_client.post("/checkins/", data).status_code == 302
    assert CheckIn.objects.filter(user=participant).count() == 1


BAD_ANSWERS = [
    ("mood", {"mood": 0}),
    ("mood", {"mood": 11}),
    ("craving", {"craving": -1}),
    ("sleep_hours", {"sleep_hours": 25}),
    ("note", {"note": "x" * (checkins.NOTE_MAX_CHARS + 1)}),
    ("grateful_for", {"grateful_for": "x" * (checkins.GRATEFUL_MAX_CHARS + 1)}),
    ("mood", {"mood": "seven"}),
]


@pytest.mark.parametrize(("field", "bad"), BAD_ANSWERS)
def test_a_bad_answer_is_refused_naming_its_field_and_nothing_is_stored(
    participant: User, program: Program, field: str, bad: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as refused:
        check_in(participant, program, **bad)
    assert set(refused.value.error_dict) == {field}
    assert not CheckIn.objects.exists()
    assert not Message.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize(("field", "bad"), BAD_ANSWERS[:5])
def test_the_form_shows_the_error_beside_the_field(
    participant_client: Client, field: str, bad: dict[str, Any]
) -> None:
    response = participant_client.post("/checkins/", form(**{k: str(v) for k, v in bad.items()}))
    assert response.status_code == 422
    html = response.content.decode()
    assert f'aria-describedby="checkin-{field.split("_")[0]}-error"' in html
    assert not CheckIn.objects.exists()


def test_every_bad_field_is_named_at_once(participant: User, program: Program) -> None:
    with pytest.raises(ValidationError) as refused:
        check_in(participant, program, mood=0, craving=11, sleep_hours=-1)
    assert set(refused.value.error_dict) == {"mood", "craving", "sleep_hours"}


def test_buddy_audience_is_refused_while_the_person_has_no_buddy(
    participant: User, program: Program
) -> None:
    with pytest.raises(ValidationError) as refused:
        check_in(participant, program, audience="buddy")
    (error,) = refused.value.error_dict["audience"]
    assert error.code == "no_buddy"
    assert "You don't have an accountability buddy right now" in error.messages[0]
    assert not CheckIn.objects.exists()


def test_an_alumnus_cannot_check_in(alumnus: User, program: Program) -> None:
    with pytest.raises(ValidationError):
        check_in(alumnus, program, audience="facilitators")
    assert not CheckIn.objects.exists()


def test_a_checkin_is_audited_without_its_answers(participant: User, program: Program) -> None:
    checkin = check_in(participant, program, audience="facilitators")
    entry = AuditEntry.objects.get(action="checkin.create")
    assert (entry.actor_id, entry.subject_id) == (participant.pk, participant.pk)
    assert entry.target_id == str(checkin.pk)
    assert entry.detail == {"audience": "facilitators"}


# --- time zones and streaks ---------------------------------------------------------


def test_the_day_is_the_persons_own(participant: User, program: Program) -> None:
    participant.time_zone = "Asia/Tokyo"
    participant.save(update_fields=["time_zone"])
    # 20:00 UTC on the 27th is already the 28th in Tokyo.
    now = dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC)
    checkin = check_in(participant, program, audience=STAFF, now=now)
    assert checkin.local_date == dt.date(2026, 11, 28)


def test_streak_counts_local_days_not_utc_days(participant: User, program: Program) -> None:
    # Monday 23:30 and Tuesday 00:30 in Chicago are both Tuesday in UTC.
    check_in(participant, program, audience=STAFF, now=local(CHICAGO, 2026, 11, 23, 23, 30))
    check_in(participant, program, audience=STAFF, now=local(CHICAGO, 2026, 11, 24, 0, 30))
    assert checkins.streak(participant, now=local(CHICAGO, 2026, 11, 24, 9, 0)) == 2


def test_streak_holds_across_the_spring_forward_day(participant: User, program: Program) -> None:
    participant.time_zone = "America/New_York"
    participant.save(update_fields=["time_zone"])
    # 8 March 2026 has 23 hours in New York.
    for day in (7, 8, 9):
        check_in(participant, program, audience=STAFF, now=local(NEW_YORK, 2026, 3, day, 23, 30))
    assert checkins.streak(participant, now=local(NEW_YORK, 2026, 3, 9, 23, 45)) == 3


def test_streak_holds_across_the_fall_back_day(participant: User, program: Program) -> None:
    participant.time_zone = "America/New_York"
    participant.save(update_fields=["time_zone"])
    # 1 November 2026 has 25 hours: these are 48h40m apart yet on consecutive days.
    check_in(participant, program, audience=STAFF, now=local(NEW_YORK, 2026, 10, 31, 0, 10))
    check_in(participant, program, audience=STAFF, now=local(NEW_YORK, 2026, 11, 1, 23, 50))
    assert checkins.streak(participant, now=local(NEW_YORK, 2026, 11, 1, 23, 55)) == 2


def test_streak_ending_yesterday_still_counts(participant: User, program: Program) -> None:
    for day in (20, 21, 22):
        check_in(participant, program, audience=STAFF, now=local(CHICAGO, 2026, 11, day, 9))
    assert checkins.streak(participant, now=local(CHICAGO, 2026, 11, 23, 8)) == 3
    assert checkins.streak(participant, now=local(CHICAGO, 2026, 11, 24, 0, 1)) == 0


def test_a_missed_day_starts_the_streak_again(participant: User, program: Program) -> None:
    for day in (18, 19, 21, 22):
        check_in(participant, program, audience=STAFF, now=local(CHICAGO, 2026, 11, day, 9))
    check_in(participant, program, audience=STAFF, now=local(CHICAGO, 2026, 11, 22, 20))
    assert checkins.streak(participant, now=local(CHICAGO, 2026, 11, 22, 21)) == 2


def test_my_page_shows_my_streak_in_my_time_zone(
    participant: User, client_for: Callable[[User], Client]
) -> None:
    # A fresh sign-in each day: a day away would end the session (idle log-off).
    with time_machine.travel(local(CHICAGO, 2026, 11, 26, 22, 0), tick=False):
        client_for(participant).post("/checkins/", form(audience="facilitators"))
    with time_machine.travel(local(CHICAGO, 2026, 11, 27, 23, 30), tick=False):
        client = client_for(participant)
        assert client.post("/checkins/", form(audience="facilitators")).status_code == 302
        html = client.get("/checkins/").content.decode()
    assert "Streak: 2 days in a row" in html
    assert list(participant.checkins.values_list("local_date", flat=True)) == [
        dt.date(2026, 11, 27),
        dt.date(2026, 11, 26),
    ]


@given(st.sets(st.integers(min_value=0, max_value=40), max_size=30))
def test_streak_of_matches_counting_back_day_by_day(offsets: set[int]) -> None:
    today = dt.date(2026, 3, 8)
    days = {today - dt.timedelta(days=n) for n in offsets}
    start = today if today in days else today - dt.timedelta(days=1)
    expected = 0
    while start - dt.timedelta(days=expected) in days:
        expected += 1
    assert checkins.streak_of(sorted(days, reverse=True), today=today) == expected


# --- who sees a shared check-in -------------------------------------------------------


def _checkin_space(group: TherapyGroup) -> Space:
    return Space.objects.get(group=group, kind=SpaceKind.CHECKIN)


def test_a_group_checkin_appears_in_the_group_checkin_space_for_a_groupmate(
    participant_client: Client, groupmate_client: Client, group: TherapyGroup
) -> None:
    participant_client.post("/checkins/", form(mood="8", grateful_for="sunrise walk"))
    checkin = CheckIn.objects.get()
    assert checkin.message is not None
    assert checkin.message.space == _checkin_space(group)
    html = groupmate_client.get(f"/threads/{checkin.message.thread_id}/").content.decode()
    assert "mood 8/10" in html
    assert "sunrise walk" in html


def test_group_checkins_share_one_standing_thread(
    participant: User, groupmate: User, program: Program
) -> None:
    first = check_in(participant, program)
    second = check_in(groupmate, program)
    assert first.message is not None
    assert second.message is not None
    assert first.message.thread_id == second.message.thread_id


def test_the_shared_checkin_event_carries_no_private_details(
    participant: User, program: Program, group: TherapyGroup
) -> None:
    check_in(participant, program, note="a hard day")
    (event,) = Event.objects.filter(
        stream__key=_checkin_space(group).stream_key, kind="message.new"
    )
    text = str(event.payload)
    assert "a hard day" in event.payload["html"]
    for private in ("participant@example.org", "Samuel Private"):
        assert private not in text


def test_the_shared_checkin_event_carries_the_answers_the_group_sees(
    participant: User, program: Program, group: TherapyGroup
) -> None:
    check_in(participant, program, mood=4, craving=6, sleep_hours="5.5", note="a hard day")
    (event,) = Event.objects.filter(
        stream__key=_checkin_space(group).stream_key, kind="message.new"
    )
    assert event.payload["checkin"] == {
        "mood": 4,
        "craving": 6,
        "sleep_hours": 5.5,
        "grateful_for": "my sister's call",
        "note": "a hard day",
    }
    # Exactly the allow-list: no person id, audience, streak or staff detail.
    assert set(event.payload["checkin"]) == CHECKIN_KEYS


def test_an_ordinary_post_carries_no_checkin(
    participant: User, program: Program, group: TherapyGroup
) -> None:
    check_in(participant, program)
    message = Message.objects.get()
    assert message.thread is not None
    from commonroom.spaces import actions

    actions.do_post_message(
        space=message.space,
        author=participant,
        body="Thanks all",
        client_id=uuid.uuid4(),
        thread=message.thread,
    )
    kinds = Event.objects.filter(kind="message.new").order_by("position")
    assert ["checkin" in e.payload for e in kinds] == [True, False]


@pytest.mark.parametrize(
    "checkin",
    [{"mood": 5, "user_id": 3}, {"mood": 5, "email": "a@b.c"}, {"streak": 4}, "mood 5", [5]],
)
def test_a_checkin_payload_outside_the_allow_list_is_refused(checkin: Any) -> None:
    with pytest.raises(events.PayloadNotAllowed):
        events.check_payload("message.new", {"message_id": 1, "checkin": checkin})
    # Only message.new may carry one at all.
    with pytest.raises(events.PayloadNotAllowed):
        events.check_payload("message.edited", {"message_id": 1, "checkin": {"mood": 5}})


def test_a_facilitators_only_checkin_never_reaches_a_groupmate(
    participant: User,
    program: Program,
    group: TherapyGroup,
    groupmate_client: Client,
) -> None:
    check_in(participant, program)  # a shared one, so the thread exists
    check_in(participant, program, audience="facilitators", note="only-for-staff-7Q")
    space = _checkin_space(group)
    assert not Message.objects.filter(body__contains="only-for-staff-7Q").exists()
    assert not Event.objects.filter(payload__icontains="only-for-staff-7Q").exists()
    for path in [f"/spaces/{space.pk}/", *(f"/threads/{t.pk}/" for t in space.threads.all())]:
        response = groupmate_client.get(path)
        assert response.status_code == 200
        assert "only-for-staff-7Q" not in response.content.decode()


def test_the_htmx_post_returns_a_fresh_form_and_the_history(participant_client: Client) -> None:
    sent = form(audience="facilitators")
    response = participant_client.post("/checkins/", sent, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="checkin-form"' in html
    assert sent["client_id"] not in html
    assert 'hx-swap-oob="true"' in html
    assert "Streak: 1 day in a row" in html


# --- refusals -----------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(anonymous_client: Client, group: TherapyGroup) -> None:
    for path in ("/checkins/", "/checkins/staff/", f"/groups/{group.pk}/checkins/"):
        response = anonymous_client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_alumnus_cannot_post_a_checkin(alumnus_client: Client) -> None:
    assert alumnus_client.post("/checkins/", form()).status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("viewer", ["participant", "groupmate", "outsider", "alumnus", "mentor"])
def test_peers_have_no_staff_checkin_pages(
    request: pytest.FixtureRequest, group: TherapyGroup, viewer: str
) -> None:
    client: Client = request.getfixturevalue(f"{viewer}_client")
    assert client.get("/checkins/staff/").status_code == 404
    assert client.get(f"/groups/{group.pk}/checkins/").status_code == 404


@pytest.mark.parametrize("viewer", ["outsider", "alumnus", "other_facilitator"])
def test_outsiders_cannot_read_the_shared_checkin(
    request: pytest.FixtureRequest, participant: User, program: Program, viewer: str
) -> None:
    checkin = check_in(participant, program)
    assert checkin.message is not None
    client: Client = request.getfixturevalue(f"{viewer}_client")
    assert client.get(f"/threads/{checkin.message.thread_id}/").status_code == 404
    assert client.get(f"/spaces/{checkin.message.space_id}/").status_code == 404


# --- staff --------------------------------------------------------------------------


def test_staff_of_the_group_see_every_checkin_of_their_groups(
    participant: User,
    groupmate: User,
    outsider: User,
    program: Program,
    group: TherapyGroup,
    facilitator_client: Client,
) -> None:
    check_in(participant, program, grateful_for="shared-A1")
    check_in(groupmate, program, audience="facilitators", grateful_for="private-B2")
    check_in(outsider, program, audience="facilitators", grateful_for="other-group-C3")
    for path in ("/checkins/staff/", f"/groups/{group.pk}/checkins/"):
        html = facilitator_client.get(path).content.decode()
        assert "shared-A1" in html
        assert "private-B2" in html
        assert "other-group-C3" not in html


def test_another_facilitator_sees_none_of_them(
    participant: User,
    program: Program,
    group: TherapyGroup,
    other_facilitator_client: Client,
) -> None:
    check_in(participant, program, audience="facilitators", grateful_for="private-B2")
    response = other_facilitator_client.get("/checkins/staff/")
    assert response.status_code == 200
    assert "private-B2" not in response.content.decode()
    assert other_facilitator_client.get(f"/groups/{group.pk}/checkins/").status_code == 404


def test_a_program_admin_sees_the_programs_checkins(
    participant: User, outsider: User, program: Program, admin_client: Client
) -> None:
    check_in(participant, program, audience="facilitators", grateful_for="private-B2")
    check_in(outsider, program, audience="facilitators", grateful_for="other-group-C3")
    html = admin_client.get("/checkins/staff/").content.decode()
    assert "private-B2" in html
    assert "other-group-C3" in html


def test_staff_reads_are_audited_per_person(
    participant: User,
    groupmate: User,
    program: Program,
    group: TherapyGroup,
    facilitator: User,
    facilitator_client: Client,
) -> None:
    check_in(participant, program)
    check_in(groupmate, program, audience="facilitators")
    facilitator_client.get(f"/groups/{group.pk}/checkins/")
    entries = AuditEntry.objects.filter(action="checkin.read")
    assert {e.subject_id for e in entries} == {participant.pk, groupmate.pk}
    assert {e.actor_id for e in entries} == {facilitator.pk}


def test_a_refused_htmx_post_keeps_the_answers_and_client_id(participant_client: Client) -> None:
    sent = form(mood="0", grateful_for="kept-text")
    response = participant_client.post("/checkins/", sent, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["X-Commonroom-Refused"] == "1"
    html = response.content.decode()
    assert sent["client_id"] in html
    assert "kept-text" in html
    assert 'id="checkin-mood-error"' in html
    assert not CheckIn.objects.exists()


def test_a_locked_checkin_thread_is_followed_by_a_new_one(
    participant: User, groupmate: User, program: Program
) -> None:
    first = check_in(participant, program)
    assert first.message is not None
    first.message.thread.locked_at = first.created_at
    first.message.thread.save(update_fields=["locked_at"])
    second = check_in(groupmate, program)
    assert second.message is not None
    assert second.message.thread_id != first.message.thread_id


def test_a_group_checkin_waits_for_the_group_agreement(
    participant: User, participant_client: Client, program: Program, admin: User
) -> None:
    do_publish_agreement(
        program=program, body="We keep what is said here private and kind.", published_by=admin
    )
    response = participant_client.post("/checkins/", form())
    assert response.status_code == 302
    assert f"/programs/{program.pk}/agreement/" in response["Location"]
    assert not CheckIn.objects.exists()
    assert not Message.objects.exists()


def test_my_page_costs_the_same_queries_however_many_checkins(
    participant: User, participant_client: Client, program: Program
) -> None:
    check_in(participant, program)
    participant_client.get("/checkins/")  # the session's first request does more
    with CaptureQueriesContext(connection) as few:
        participant_client.get("/checkins/")
    for day in range(1, 8):
        check_in(participant, program, now=local(CHICAGO, 2026, 11, day, 9))
    with CaptureQueriesContext(connection) as many:
        participant_client.get("/checkins/")
    assert len(many) == len(few)
