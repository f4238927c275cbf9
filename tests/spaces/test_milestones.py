"""Milestones and celebrations: the opt-in recovery counter (days in the
person's own time zone), sessions attended, completing the program; offers
are made once and never posted for the person; sharing posts exactly one
message, "Not now" posts none; only the person reaches their milestones."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program, TherapyGroup
from commonroom.core.models import AuditEntry
from commonroom.meetings.models import Attendance, Session, SessionSeries
from commonroom.spaces import milestones
from commonroom.spaces.models import (
    Event,
    Message,
    Milestone,
    MilestoneStatus,
    RecoveryCounter,
    SpaceKind,
    SpaceScope,
    Thread,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 15, 18, 0, tzinfo=UTC)


def counter(user: User, start: dt.date, *, hidden: bool = False) -> None:
    milestones.do_set_recovery_counter(user=user, start_date=start, hidden=hidden, now=NOW)


def attend(user: User, group: TherapyGroup, statuses: list[str]) -> None:
    series = SessionSeries.objects.create(
        group=group, title="Evening group", rule="FREQ=DAILY",
        start_date=dt.date(2026, 1, 1), local_start=dt.time(18, 0),
    )  # fmt: skip
    for day, status in enumerate(statuses):
        start = dt.datetime(2026, 1, 1, 23, tzinfo=UTC) + dt.timedelta(days=day)
        session = Session.objects.create(
            series=series,
            original_date=start.date(),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
        )
        Attendance.objects.create(session=session, user=user, status=status)


def keys(user: User) -> list[str]:
    return sorted(Milestone.objects.filter(user=user).values_list("key", flat=True))


def offer(user: User, start_days_ago: int = 30) -> Milestone:
    counter(user, NOW.date() - dt.timedelta(days=start_days_ago))
    (made,) = milestones.refresh_milestones(user, NOW)
    return made


# --- working out milestones ---------------------------------------------------------


def test_the_counter_is_off_by_default(participant: User) -> None:
    assert milestones.refresh_milestones(participant, NOW) == []
    assert not RecoveryCounter.objects.exists()


def test_thirty_days_are_offered_once(participant: User) -> None:
    counter(participant, NOW.date() - dt.timedelta(days=30))
    assert [m.key for m in milestones.refresh_milestones(participant, NOW)] == ["days-30"]
    assert milestones.refresh_milestones(participant, NOW) == []
    assert milestones.refresh_milestones(participant, NOW + dt.timedelta(hours=1)) == []
    assert keys(participant) == ["days-30"]


def test_only_the_newest_milestone_reached_is_offered(participant: User) -> None:
    counter(participant, NOW.date() - dt.timedelta(days=400))
    milestones.refresh_milestones(participant, NOW)
    assert keys(participant) == ["days-365"]


def test_a_later_milestone_is_offered_when_reached(participant: User) -> None:
    counter(participant, NOW.date() - dt.timedelta(days=30))
    milestones.refresh_milestones(participant, NOW)
    milestones.refresh_milestones(participant, NOW + dt.timedelta(days=30))
    assert keys(participant) == ["days-30", "days-60"]


def test_recovery_days_are_counted_in_the_persons_own_time_zone(
    participant: User, groupmate: User
) -> None:
    """At 12:00 UTC on 31 January it is already 1 February in Auckland (day
    31 since 1 January) but still 31 January in Chicago (day 30)."""
    participant.time_zone = "Pacific/Auckland"
    participant.save()
    groupmate.time_zone = "America/Chicago"
    groupmate.save()
    now = dt.datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    for person in (participant, groupmate):
        milestones.do_set_recovery_counter(user=person, start_date="2026-01-02", now=now)
        milestones.refresh_milestones(person, now)
    assert keys(participant) == ["days-30"]
    assert keys(groupmate) == ["days-7"]
    assert Milestone.objects.get(user=participant).reached_on == dt.date(2026, 2, 1)


def test_a_hidden_counter_offers_no_day_milestones(participant: User) -> None:
    start = NOW.date() - dt.timedelta(days=90)
    counter(participant, start)
    milestones.refresh_milestones(participant, NOW)
    counter(participant, start, hidden=True)
    assert not Milestone.objects.exists()  # the waiting offer is withdrawn
    assert milestones.refresh_milestones(participant, NOW) == []


def test_a_new_start_date_withdraws_undecided_day_offers_and_can_earn_them_again(
    participant: User,
) -> None:
    offer(participant, 30)
    counter(participant, NOW.date() - dt.timedelta(days=2))
    assert not Milestone.objects.filter(user=participant).exists()
    later = NOW + dt.timedelta(days=28)
    milestones.refresh_milestones(participant, later)
    assert keys(participant) == ["days-30"]


def test_sessions_attended_count_present_late_and_left_early(
    participant: User, group: TherapyGroup
) -> None:
    attend(participant, group, ["present"] * 7 + ["late", "left_early", "present"] + ["absent"] * 3
           + ["excused"])  # fmt: skip
    assert milestones.sessions_attended(participant) == 10
    milestones.refresh_milestones(participant, NOW)
    assert keys(participant) == ["sessions-10"]


def test_the_first_session_is_a_milestone(participant: User, group: TherapyGroup) -> None:
    attend(participant, group, ["late"])
    milestones.refresh_milestones(participant, NOW)
    assert keys(participant) == ["sessions-1"]


def test_completing_the_program_is_offered_once(alumnus: User, program: Program) -> None:
    milestones.refresh_milestones(alumnus, NOW)
    milestones.refresh_milestones(alumnus, NOW)
    made = Milestone.objects.get(user=alumnus)
    assert (made.key, made.program_id, made.status) == ("completed", program.pk, "offered")


def test_working_out_milestones_posts_nothing(alumnus: User, participant: User) -> None:
    offer(participant)
    milestones.refresh_milestones(alumnus, NOW)
    assert not Message.objects.exists()
    assert not Event.objects.exists()


# --- sharing and "not now" -------------------------------------------------------------


def test_sharing_posts_exactly_one_message_in_celebrations(
    participant: User, program: Program
) -> None:
    made = offer(participant)
    client_id = uuid.uuid4()
    milestones.do_share_milestone(
        milestone=made, user=participant, body="30 days today!", client_id=client_id
    )
    # A retry, and a second press with a new id, post nothing more.
    milestones.do_share_milestone(
        milestone=made, user=participant, body="30 days today!", client_id=client_id
    )
    milestones.do_share_milestone(
        milestone=made, user=participant, body="again", client_id=uuid.uuid4()
    )
    message = Message.objects.get()
    assert message.body == "30 days today!"
    assert message.author_id == participant.pk
    assert (message.space.kind, message.space.scope, message.space.program_id) == (
        SpaceKind.CELEBRATIONS, SpaceScope.PROGRAM, program.pk,
    )  # fmt: skip
    assert message.thread.title == "Celebrations"
    made.refresh_from_db()
    assert (made.status, made.message_id) == (MilestoneStatus.SHARED, message.pk)


def test_celebrations_share_one_standing_thread(participant: User, group: TherapyGroup) -> None:
    first = offer(participant)
    milestones.do_share_milestone(
        milestone=first, user=participant, body="30 days", client_id=uuid.uuid4()
    )
    attend(participant, group, ["present"])
    (second,) = milestones.refresh_milestones(participant, NOW)
    milestones.do_share_milestone(
        milestone=second, user=participant, body="First session", client_id=uuid.uuid4()
    )
    assert Thread.objects.count() == 1
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    "body", ["   ", "x" * (milestones.CELEBRATION_MAX_CHARS + 1)], ids=["empty", "too long"]
)
def test_a_bad_celebration_is_refused_naming_the_body_and_nothing_is_stored(
    participant: User, body: str
) -> None:
    made = offer(participant)
    with pytest.raises(ValidationError) as refused:
        milestones.do_share_milestone(
            milestone=made, user=participant, body=body, client_id=uuid.uuid4()
        )
    assert set(refused.value.error_dict) == {"body"}
    assert not Message.objects.exists()
    assert not Thread.objects.exists()
    assert not Event.objects.exists()
    made.refresh_from_db()
    assert made.status == MilestoneStatus.OFFERED


def test_not_now_posts_nothing_and_can_still_be_shared_later(participant: User) -> None:
    made = offer(participant)
    milestones.do_dismiss_milestone(milestone=made, user=participant)
    made.refresh_from_db()
    assert made.status == MilestoneStatus.DISMISSED
    assert not Message.objects.exists()
    assert not Event.objects.exists()
    assert milestones.refresh_milestones(participant, NOW) == []  # not offered again
    milestones.do_share_milestone(
        milestone=made, user=participant, body="Changed my mind: 30 days", client_id=uuid.uuid4()
    )
    assert Message.objects.count() == 1


def test_a_shared_milestone_cannot_be_set_aside(participant: User) -> None:
    made = offer(participant)
    milestones.do_share_milestone(
        milestone=made, user=participant, body="Yes", client_id=uuid.uuid4()
    )
    with pytest.raises(ValidationError) as refused:
        milestones.do_dismiss_milestone(milestone=made, user=participant)
    assert refused.value.code == "already_shared"


def test_someone_who_completed_shares_in_the_alumni_space(alumnus: User) -> None:
    milestones.refresh_milestones(alumnus, NOW)
    made = Milestone.objects.get(user=alumnus)
    milestones.do_share_milestone(
        milestone=made, user=alumnus, body="I finished!", client_id=uuid.uuid4()
    )
    assert Message.objects.get().space.scope == SpaceScope.ALUMNI


# --- the pages ------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_page_offers_a_celebration_and_never_posts_it(
    participant: User, participant_client: Client
) -> None:
    counter(participant, NOW.date() - dt.timedelta(days=30))
    html = participant_client.get("/milestones/").content.decode()
    assert "30 days" in html
    assert "Share a celebration" in html
    assert "Not now" in html
    assert "Today I reached 30 days." in html
    assert not Message.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_sharing_from_the_page_posts_the_edited_words(
    participant: User, participant_client: Client
) -> None:
    made = offer(participant)
    data = {"body": "A month. Thank you all.", "client_id": str(uuid.uuid4())}
    response = participant_client.post(f"/milestones/{made.pk}/share/", data)
    assert response.status_code == 302
    assert participant_client.post(f"/milestones/{made.pk}/share/", data).status_code == 302
    assert list(Message.objects.values_list("body", flat=True)) == ["A month. Thank you all."]


@time_machine.travel(NOW, tick=False)
def test_not_now_from_the_page_over_htmx(participant: User, participant_client: Client) -> None:
    made = offer(participant)
    response = participant_client.post(
        f"/milestones/{made.pk}/dismiss/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Set aside" in response.content.decode()
    assert not Message.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_turning_the_counter_on_and_off_from_the_page(
    participant: User, participant_client: Client
) -> None:
    response = participant_client.post("/milestones/counter/", {"start_date": "2026-06-01"})
    assert response.status_code == 302
    assert RecoveryCounter.objects.get(user=participant).start_date == dt.date(2026, 6, 1)
    assert (
        "14 days since your start date" in participant_client.get("/milestones/").content.decode()
    )
    participant_client.post("/milestones/counter/", {"off": "1"})
    assert not RecoveryCounter.objects.exists()
    assert AuditEntry.objects.filter(action="recovery_counter.off").exists()


BAD_DATES = [
    ("2026-06-16", "in_the_future"),
    ("16/06/2026", "invalid"),
    ("1900-01-01", "too_early"),
]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("raw", "code"), BAD_DATES)
def test_a_bad_start_date_is_refused_naming_the_field(
    participant: User, participant_client: Client, api_as: Callable[[User], Any], raw: str,
    code: str,
) -> None:  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        milestones.do_set_recovery_counter(user=participant, start_date=raw)
    assert set(refused.value.error_dict) == {"start_date"}
    page = participant_client.post("/milestones/counter/", {"start_date": raw})
    assert page.status_code == 422
    assert 'id="counter-start-error"' in page.content.decode()
    if code != "invalid":  # the API's schema refuses a malformed date itself
        response = api_as(participant).call("put", "/me/recovery-counter", {"start_date": raw})
        assert response.status_code == 422
        assert response.json()["error"] == {
            "code": code, "message": response.json()["error"]["message"], "field": "start_date"
        }  # fmt: skip
    assert not RecoveryCounter.objects.exists()


# --- the API ------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_api_offers_and_shares_a_milestone(
    participant: User, api_as: Callable[[User], Any]
) -> None:
    api = api_as(participant)
    put = api.call("put", "/me/recovery-counter", {"start_date": "2026-05-16", "hidden": False})
    assert put.status_code == 200
    assert put.json()["recovery_counter"]["days"] == 30
    mine = api.get("/me/milestones").json()
    assert mine["recovery_counter"]["days"] == 30
    assert [(m["key"], m["status"]) for m in mine["milestones"]] == [("days-30", "offered")]
    milestone_id = mine["milestones"][0]["id"]
    data = {"body": "30 days!", "client_id": str(uuid.uuid4())}
    shared = api.post(f"/milestones/{milestone_id}/share", data)
    assert shared.status_code == 200
    assert shared.json()["status"] == "shared"
    api.post(f"/milestones/{milestone_id}/share", data)
    assert Message.objects.count() == 1
    assert api.get("/me/milestones").json()["milestones"][0]["message_id"] is not None


@time_machine.travel(NOW, tick=False)
def test_the_api_dismisses_without_posting(
    participant: User, api_as: Callable[[User], Any]
) -> None:
    made = offer(participant)
    response = api_as(participant).post(f"/milestones/{made.pk}/dismiss")
    assert response.json()["status"] == "dismissed"
    assert not Message.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_api_share_error_names_the_body(
    participant: User, api_as: Callable[[User], Any]
) -> None:
    made = offer(participant)
    response = api_as(participant).post(
        f"/milestones/{made.pk}/share", {"body": " ", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body"
    assert not Message.objects.exists()


# --- who reaches a milestone ------------------------------------------------------------


@pytest.mark.parametrize(
    "viewer", ["groupmate", "outsider", "facilitator", "other_facilitator", "alumnus", "admin"]
)
def test_only_the_person_sees_shares_or_dismisses_their_milestone(
    request: pytest.FixtureRequest, api_as: Callable[[User], Any], participant: User, viewer: str
) -> None:
    made = offer(participant)
    client: Client = request.getfixturevalue(f"{viewer}_client")
    data = {"body": "Not yours", "client_id": str(uuid.uuid4())}
    assert client.post(f"/milestones/{made.pk}/share/", data).status_code == 404
    assert client.post(f"/milestones/{made.pk}/dismiss/").status_code == 404
    assert "30 days" not in client.get("/milestones/").content.decode()
    api = api_as(request.getfixturevalue(viewer))
    for path in (f"/milestones/{made.pk}/share", f"/milestones/{made.pk}/dismiss"):
        response = api.post(path, data)
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
    listed = api.get("/me/milestones").json()
    assert made.pk not in [m["id"] for m in listed["milestones"]]
    assert listed["recovery_counter"] is None
    made.refresh_from_db()
    assert made.status == MilestoneStatus.OFFERED
    assert not Message.objects.exists()


def test_anonymous_is_sent_to_sign_in_or_refused(
    anonymous_client: Client, participant: User
) -> None:
    made = offer(participant)
    response = anonymous_client.get("/milestones/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    for path in (f"/milestones/{made.pk}/share/", f"/milestones/{made.pk}/dismiss/",
                 "/milestones/counter/"):  # fmt: skip
        assert anonymous_client.post(path, {"body": "x"}).status_code == 302
    for method, path in (
        ("get", "/api/v1/me/milestones"),
        ("post", f"/api/v1/milestones/{made.pk}/share"),
        ("post", f"/api/v1/milestones/{made.pk}/dismiss"),
        ("put", "/api/v1/me/recovery-counter"),
    ):
        assert getattr(anonymous_client, method)(path).status_code == 401
    assert not Message.objects.exists()
    made.refresh_from_db()
    assert made.status == MilestoneStatus.OFFERED


def test_a_milestone_reached_by_one_person_is_not_offered_to_another(
    participant: User, groupmate: User
) -> None:
    offer(participant)
    assert milestones.refresh_milestones(groupmate, NOW) == []
    assert not Milestone.objects.filter(user=groupmate).exists()


def test_phase_is_read_from_the_enrollment(participant: User) -> None:
    assert milestones.refresh_milestones(participant, NOW) == []
    participant.enrollments.update(phase=Phase.COMPLETED)
    assert [m.key for m in milestones.refresh_milestones(participant, NOW)] == ["completed"]
