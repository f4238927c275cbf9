"""Schedules, joining, attendance and feeds, over HTML and API."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, TestCase
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import TherapyGroup
from commonroom.core.models import AuditEntry
from commonroom.meetings.models import (
    Attendance,
    PresenceEvent,
    Session,
    SessionSeries,
    SessionStatus,
    TechHelpRequest,
)
from commonroom.meetings.rooms import room_link
from commonroom.meetings.scheduling import do_add_exception, do_create_series
from tests.meetings.conftest import make_session

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


# --- schedules ---------------------------------------------------------------


def test_a_series_creates_the_weeks_ahead(series: SessionSeries) -> None:
    upcoming = Session.objects.filter(series=series, status=SessionStatus.SCHEDULED)
    assert 30 <= upcoming.count() <= 37  # three a week for twelve weeks
    for session in upcoming:
        local = session.starts_at.astimezone(CHICAGO)
        assert (local.hour, local.minute) == (18, 0)
        assert local.weekday() in {0, 2, 3}


@time_machine.travel(datetime(2026, 10, 20, 12, 0, tzinfo=zoneinfo.ZoneInfo("UTC")))
def test_sessions_keep_local_time_across_the_dst_change(group: TherapyGroup, admin: User) -> None:
    series = do_create_series(
        group=group,
        created_by=admin,
        title="Evening group",
        rule="FREQ=WEEKLY;BYDAY=MO",
        start_date=date(2026, 10, 19),
        local_start=time(18, 0),
        duration_minutes=180,
    )
    before = Session.objects.get(series=series, original_date=date(2026, 10, 26))
    after = Session.objects.get(series=series, original_date=date(2026, 11, 2))
    assert before.starts_at.astimezone(zoneinfo.ZoneInfo("UTC")).hour == 23
    assert after.starts_at.astimezone(zoneinfo.ZoneInfo("UTC")).hour == 0
    assert (
        before.starts_at.astimezone(CHICAGO).hour == after.starts_at.astimezone(CHICAGO).hour == 18
    )


def test_each_person_sees_their_own_time_zone(
    series: SessionSeries, groupmate: User, groupmate_client: Client
) -> None:
    User.objects.filter(pk=groupmate.pk).update(time_zone="America/New_York")
    html = groupmate_client.get("/sessions/").content.decode()
    assert "19:00" in html
    assert "America/New_York" in html


def test_an_invalid_rule_names_the_field(api_as: object, admin: User, group: TherapyGroup) -> None:
    response = api_as(admin).post(  # type: ignore[operator]
        f"/groups/{group.pk}/series",
        {"title": "X", "rule": "FREQ=HOURLY", "start_date": "2026-12-01", "local_start": "18:00"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "rule"
    assert not SessionSeries.objects.exists()


def test_a_holiday_is_cancelled_and_a_session_moved(series: SessionSeries, admin: User) -> None:
    upcoming = list(
        Session.objects.filter(series=series, starts_at__gt=timezone.now() + timedelta(days=2))
    )
    holiday, moved = upcoming[0], upcoming[1]
    do_add_exception(
        series=series,
        original_date=holiday.original_date,
        action="cancel",
        created_by=admin,
        reason="Holiday",
    )
    new_start = moved.starts_at + timedelta(days=1, hours=-8)
    do_add_exception(
        series=series,
        original_date=moved.original_date,
        action="move",
        created_by=admin,
        new_starts_at=new_start,
    )
    holiday.refresh_from_db()
    moved.refresh_from_db()
    assert holiday.status == SessionStatus.CANCELLED
    assert moved.moved
    assert moved.starts_at == new_start


def test_an_exception_on_a_date_without_a_session_is_refused(
    api_as: object, admin: User, series: SessionSeries
) -> None:
    sunday = timezone.localdate() + timedelta(days=(6 - timezone.localdate().weekday()) or 7)
    response = api_as(admin).post(  # type: ignore[operator]
        f"/series/{series.pk}/exceptions", {"original_date": sunday.isoformat(), "action": "cancel"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_session"


def test_moving_a_session_to_a_time_without_a_zone_names_the_field(
    api_as: object, admin: User, series: SessionSeries
) -> None:
    session = Session.objects.filter(
        series=series, starts_at__gt=timezone.now() + timedelta(days=2)
    ).first()
    assert session is not None
    naive = (session.starts_at + timedelta(days=1)).replace(tzinfo=None).isoformat()
    response = api_as(admin).post(  # type: ignore[operator]
        f"/series/{series.pk}/exceptions",
        {"original_date": session.original_date.isoformat(), "action": "move",
         "new_starts_at": naive},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "new_starts_at"
    assert not series.exceptions.exists()


def test_the_move_action_refuses_a_time_without_a_zone(admin: User, series: SessionSeries) -> None:
    session = Session.objects.filter(
        series=series, starts_at__gt=timezone.now() + timedelta(days=2)
    ).first()
    assert session is not None
    with pytest.raises(ValidationError) as caught:
        do_add_exception(
            series=series,
            original_date=session.original_date,
            action="move",
            created_by=admin,
            new_starts_at=(session.starts_at + timedelta(days=1)).replace(tzinfo=None),
        )
    assert caught.value.error_dict["new_starts_at"][0].code == "no_time_zone"


def test_moving_slot_moves_the_persons_sessions(
    program: object,
    admin: User,
    participant: User,
    group: TherapyGroup,
    other_group: TherapyGroup,
    series: SessionSeries,
) -> None:
    from commonroom.care.actions import do_move_between_groups
    from commonroom.meetings.access import sessions_visible_to

    morning = do_create_series(
        group=other_group,
        created_by=admin,
        title="Morning group",
        rule="FREQ=WEEKLY;BYDAY=TU",
        start_date=timezone.localdate(),
        local_start=time(9, 0),
        duration_minutes=180,
        slot_label="Morning",
    )
    assert not sessions_visible_to(participant).filter(series=morning).exists()
    do_move_between_groups(
        user_id=participant.pk, from_group_id=group.pk, to_group_id=other_group.pk, moved_by=admin
    )
    assert sessions_visible_to(participant).filter(series=morning).exists()
    assert not sessions_visible_to(participant).filter(series=series).exists()


# --- joining ---------------------------------------------------------------------


def _session_at(series: SessionSeries, minutes_from_now: int) -> Session:
    return make_session(series, starts_at=timezone.now() + timedelta(minutes=minutes_from_now))


def _link(session: Session, person: User) -> str:
    return room_link(session=session, person=person)


def test_joining_opens_fifteen_minutes_before(
    participant: User, participant_client: Client, series: SessionSeries
) -> None:
    early = _session_at(series, 16)
    response = participant_client.get(_link(early, participant))
    assert response["Location"] == f"/sessions/{early.pk}/"
    assert (
        "opens 15 minutes before" in participant_client.get(response["Location"]).content.decode()
    )
    on_time = _session_at(series, 14)
    response = participant_client.get(_link(on_time, participant))
    assert response.status_code == 302
    assert response["Location"].startswith(f"https://{settings.JITSI_DOMAIN}/")


def test_the_join_link_is_a_jwt_for_this_person(
    participant_client: Client, participant: User, live_session: Session
) -> None:
    url = participant_client.get(_link(live_session, participant))["Location"]
    parsed = urlparse(url)
    token = parse_qs(parsed.query)["jwt"][0]
    claims = jwt.decode(token, settings.JITSI_APP_SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == parsed.path.strip("/")
    assert claims["context"]["user"]["name"] == "Sam"
    assert claims["context"]["user"]["moderator"] is False
    assert participant.email not in url


def test_following_the_room_link_records_arrival(
    participant_client: Client, participant: User, live_session: Session
) -> None:
    participant_client.get(_link(live_session, participant))
    event = PresenceEvent.objects.get(session=live_session, user=participant)
    assert (event.kind, event.source) == ("join", "room_link")
    assert Attendance.objects.get(session=live_session, user=participant).status == "present"


def test_the_session_page_offers_a_link_not_a_form_the_csp_would_block(
    participant_client: Client, participant: User, live_session: Session
) -> None:
    html = participant_client.get(f"/sessions/{live_session.pk}/").content.decode()
    assert f'action="/sessions/{live_session.pk}/join/' not in html
    link = html.split('class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    response = participant_client.get(link)
    assert response["Location"].startswith(f"https://{settings.JITSI_DOMAIN}/")


def test_the_session_page_records_no_presence(
    participant_client: Client, participant: User, live_session: Session
) -> None:
    participant_client.get(f"/sessions/{live_session.pk}/")
    assert not PresenceEvent.objects.exists()


def test_an_ended_session_shows_no_join(
    participant_client: Client, participant: User, past_session: Session
) -> None:
    html = participant_client.get(f"/sessions/{past_session.pk}/").content.decode()
    assert "This session has ended." in html
    assert "Join the session" not in html
    assert "/join/?t=" not in html


def test_an_arrival_tells_staff_consoles_to_refresh(
    participant_client: Client,
    participant: User,
    facilitator: User,
    admin: User,
    live_session: Session,
) -> None:
    with (
        mock.patch("commonroom.meetings.actions.notify_users") as notify,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        participant_client.get(_link(live_session, participant))
    (recipients, kind, payload), _kwargs = notify.call_args
    assert set(recipients) == {facilitator.pk, admin.pk}
    assert (kind, payload) == ("console.changed", {"session": live_session.pk})


def test_a_room_link_signed_for_someone_else_is_refused(
    participant_client: Client, groupmate: User, live_session: Session
) -> None:
    response = participant_client.get(_link(live_session, groupmate))
    assert response["Location"] == f"/sessions/{live_session.pk}/"
    assert not PresenceEvent.objects.exists()


@pytest.mark.parametrize("token", ["", "nonsense", "WzEsMl0:forged"])
def test_a_room_link_without_a_valid_token_records_nothing(
    participant_client: Client, live_session: Session, token: str
) -> None:
    response = participant_client.get(f"/sessions/{live_session.pk}/join/", {"t": token})
    assert response["Location"] == f"/sessions/{live_session.pk}/"
    page = participant_client.get(response["Location"]).content.decode()
    assert "not yours or is damaged" in page
    assert not PresenceEvent.objects.exists()


def test_the_join_click_no_longer_posts(participant_client: Client, live_session: Session) -> None:
    assert participant_client.post(f"/sessions/{live_session.pk}/join/").status_code == 405
    assert not PresenceEvent.objects.exists()


def test_facilitators_join_as_moderators(
    facilitator_client: Client, facilitator: User, live_session: Session
) -> None:
    url = facilitator_client.get(_link(live_session, facilitator))["Location"]
    token = parse_qs(urlparse(url).query)["jwt"][0]
    claims = jwt.decode(token, settings.JITSI_APP_SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["context"]["user"]["moderator"] is True


def test_the_api_hands_out_the_room_link_and_records_nothing(
    api_as: object, participant: User, participant_client: Client, live_session: Session
) -> None:
    response = api_as(participant).post(f"/sessions/{live_session.pk}/join")  # type: ignore[operator]
    url = urlparse(response.json()["url"])
    assert url.path == f"/sessions/{live_session.pk}/join/"
    assert not PresenceEvent.objects.exists()
    assert participant_client.get(f"{url.path}?{url.query}")["Location"].startswith(
        f"https://{settings.JITSI_DOMAIN}/"
    )
    assert PresenceEvent.objects.filter(user=participant).count() == 1


def test_an_ended_session_refuses_over_api(
    api_as: object, participant: User, past_session: Session
) -> None:
    response = api_as(participant).post(f"/sessions/{past_session.pk}/join")  # type: ignore[operator]
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "ended"


@pytest.mark.parametrize("persona", ["outsider", "other_facilitator", "mentor", "alumnus"])
def test_people_off_the_roster_cannot_join_or_see(
    request: pytest.FixtureRequest, api_as: object, persona: str, live_session: Session
) -> None:
    person = request.getfixturevalue(persona)
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/sessions/{live_session.pk}/").status_code == 404
    assert client.get(_link(live_session, person)).status_code == 404
    api = api_as(person)  # type: ignore[operator]
    assert api.post(f"/sessions/{live_session.pk}/join").status_code == 404
    assert not PresenceEvent.objects.exists()


def test_anonymous_cannot_join(
    anonymous_client: Client, participant: User, live_session: Session
) -> None:
    response = anonymous_client.get(_link(live_session, participant))
    assert response["Location"].startswith("/accounts/login/")
    assert not PresenceEvent.objects.exists()


# --- attendance --------------------------------------------------------------------


def test_finalising_fixes_statuses_for_the_whole_roster(
    facilitator: User, participant: User, groupmate: User, past_session: Session
) -> None:
    from commonroom.meetings.actions import do_finalise_attendance, do_record_presence

    do_record_presence(
        session=past_session,
        user=participant,
        kind="join",
        source="join_click",
        at=past_session.starts_at + timedelta(minutes=20),
    )
    results = {
        a.user_id: a for a in do_finalise_attendance(session=past_session, finalised_by=facilitator)
    }
    assert results[participant.pk].status == "late"
    assert results[participant.pk].minutes == 160
    assert results[groupmate.pk].status == "absent"
    assert AuditEntry.objects.filter(action="attendance.finalise").exists()


def test_attendance_is_final_only_after_the_session(
    facilitator_client: Client, live_session: Session
) -> None:
    response = facilitator_client.post(
        f"/sessions/{live_session.pk}/attendance/finalise/", follow=True
    )
    assert "once the session has ended" in response.content.decode()
    live_session.refresh_from_db()
    assert live_session.attendance_finalised_at is None


def test_a_final_record_changes_only_with_a_reason(
    api_as: object, facilitator: User, groupmate: User, past_session: Session
) -> None:
    api = api_as(facilitator)  # type: ignore[operator]
    assert (
        api.post(f"/sessions/{past_session.pk}/attendance/finalise", {"excused": []}).status_code
        == 200
    )
    refused = api.patch(
        f"/sessions/{past_session.pk}/attendance/{groupmate.pk}", {"status": "excused"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "reason"
    assert Attendance.objects.get(session=past_session, user=groupmate).status == "absent"
    ok = api.patch(
        f"/sessions/{past_session.pk}/attendance/{groupmate.pk}",
        {"status": "excused", "reason": "Called in sick"},
    )
    assert ok.status_code == 200
    entry = AuditEntry.objects.get(action="attendance.correct")
    assert entry.detail["before"]["status"] == "absent"
    assert entry.detail["after"]["status"] == "excused"
    assert "Called in sick" not in str(entry.detail)


def test_attendance_of_someone_off_the_roster_is_not_found_on_page_or_api(
    api_as: object, facilitator: User, facilitator_client: Client, outsider: User,
    past_session: Session,
) -> None:  # fmt: skip
    api = api_as(facilitator)  # type: ignore[operator]
    path = f"/sessions/{past_session.pk}/attendance/{outsider.pk}"
    assert api.patch(path, {"status": "present"}).status_code == 404
    assert facilitator_client.post(f"{path}/", {"status": "present"}).status_code == 404
    assert not Attendance.objects.filter(user=outsider).exists()


def test_a_group_note_lands_in_each_attendees_record(
    facilitator_client: Client, participant: User, groupmate: User, past_session: Session
) -> None:
    from commonroom.meetings.actions import do_record_presence

    for person in (participant, groupmate):
        do_record_presence(
            session=past_session,
            user=person,
            kind="join",
            source="join_click",
            at=past_session.starts_at,
        )
    facilitator_client.post(
        f"/sessions/{past_session.pk}/note/",
        {
            "body": "Worked on naming triggers.",
            f"line-{participant.pk}": "Shared about work stress.",
        },
    )
    assert (
        Attendance.objects.get(session=past_session, user=participant).participation
        == "Shared about work stress."
    )
    assert set(
        AuditEntry.objects.filter(action="group_note.write").values_list("subject_id", flat=True)
    ) == {participant.pk, groupmate.pk}


@pytest.mark.parametrize(
    "persona", ["participant", "groupmate", "outsider", "other_facilitator", "mentor", "alumnus"]
)
def test_only_the_groups_staff_run_attendance(
    request: pytest.FixtureRequest,
    api_as: object,
    persona: str,
    past_session: Session,
    groupmate: User,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.post(f"/sessions/{past_session.pk}/attendance/finalise/").status_code == 404
    assert (
        client.post(
            f"/sessions/{past_session.pk}/attendance/{groupmate.pk}/", {"status": "present"}
        ).status_code
        == 404
    )
    assert client.post(f"/sessions/{past_session.pk}/note/", {"body": "x"}).status_code == 404
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.get(f"/sessions/{past_session.pk}/attendance").status_code == 404
    assert api.post(f"/sessions/{past_session.pk}/attendance/finalise", {}).status_code == 404
    past_session.refresh_from_db()
    assert past_session.attendance_finalised_at is None


# --- tech check and help ---------------------------------------------------------


def test_tech_check_is_stored_and_shown_to_the_facilitator(
    participant_client: Client, facilitator_client: Client, live_session: Session
) -> None:
    response = participant_client.post(
        "/tech-check/", {"camera_ok": "false", "microphone_ok": "true", "reminders_read": "on"}
    )
    assert response.status_code == 302
    assert (
        "May need help" in facilitator_client.get(f"/sessions/{live_session.pk}/").content.decode()
    )


def test_trouble_joining_reaches_staff_live(
    participant_client: Client, facilitator: User, admin: User, live_session: Session
) -> None:
    with (
        mock.patch("commonroom.meetings.actions.notify_users") as notify,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        participant_client.post(f"/sessions/{live_session.pk}/help/")
    (recipients, kind, payload), _kwargs = notify.call_args
    assert set(recipients) == {facilitator.pk, admin.pk}
    assert kind == "tech.help"
    assert payload["display_name"] == "Sam"
    assert set(payload) == {"request", "session", "display_name"}
    assert TechHelpRequest.objects.filter(session=live_session, resolved_at__isnull=True).exists()


def test_participants_cannot_resolve_help_requests(
    participant_client: Client, participant: User, live_session: Session
) -> None:
    help_request = TechHelpRequest.objects.create(user=participant, session=live_session)
    assert (
        participant_client.post(
            f"/sessions/{live_session.pk}/help/{help_request.pk}/resolve/"
        ).status_code
        == 404
    )


# --- calendar feeds ------------------------------------------------------------------


def test_private_calendar_feed_lists_my_sessions_and_can_be_revoked(
    api_as: object, participant: User, series: SessionSeries, anonymous_client: Client
) -> None:
    api = api_as(participant)  # type: ignore[operator]
    url = api.post("/me/calendar-feeds").json()["url"]
    path = urlparse(url).path
    response = anonymous_client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body
    assert "Evening group" in body
    assert "Group A" not in body
    assert api.delete("/me/calendar-feeds").status_code == 204
    assert anonymous_client.get(path).status_code == 404


def test_an_unknown_feed_is_not_found(anonymous_client: Client) -> None:
    assert anonymous_client.get("/calendar/not-a-real-secret.ics").status_code == 404


# --- weekly minimums ---------------------------------------------------------------


def test_weekly_minimums_say_who_is_under_and_why(
    api_as: object,
    admin: User,
    participant: User,
    groupmate: User,
    series: SessionSeries,
    program: object,
) -> None:
    from commonroom.care.models import Enrollment, Track
    from commonroom.meetings.actions import do_record_presence

    track = Track.objects.create(program=program, name="Adults", weekly_minimum_hours=9)  # type: ignore[misc]
    Enrollment.objects.update(track=track)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    start = datetime.combine(monday, time(18, 0), tzinfo=CHICAGO)
    sessions = [make_session(series, starts_at=start + timedelta(days=d)) for d in (0, 2, 3)]
    for session in sessions:
        do_record_presence(
            session=session,
            user=participant,
            kind="join",
            source="join_click",
            at=session.starts_at,
        )
        do_record_presence(
            session=session, user=participant, kind="leave", source="join_click", at=session.ends_at
        )
    body = (
        api_as(admin)
        .get(f"/programs/{program.pk}/minimums?week={monday.isoformat()}")
        .json()["items"]
    )  # type: ignore[operator,attr-defined]
    lines = {line["display_name"]: line for line in body}
    assert lines["Sam"]["attended_hours"] == 9.0
    assert lines["Sam"]["status"] == "met"
    assert lines["Lucia"]["status"] == "under"
    assert lines["Lucia"]["reason"] == "absent"
