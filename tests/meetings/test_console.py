"""The facilitator console: who has been heard, breakout rooms, prompts and
co-leads, over HTML and API, with refusals for everyone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.actions import do_add_do_not_pair, do_link_couple
from commonroom.care.models import Program, TherapyGroup
from commonroom.meetings import console
from commonroom.meetings.actions import do_record_presence
from commonroom.meetings.models import (
    BreakoutRoom,
    CoLeadOptIn,
    Session,
    SessionPlan,
    SharingPrompt,
)
from tests import factories
from tests.meetings.conftest import make_session

pytestmark = pytest.mark.django_db


def arrive(session: Session, *people: User) -> None:
    for person in people:
        do_record_presence(session=session, user=person, kind="join", source="join_click")


@pytest.fixture
def crowd(program: Program, group: TherapyGroup) -> list[User]:
    people = []
    for name in ("Ana", "Ben", "Cy", "Dee"):
        person = factories.UserFactory(display_name=name)
        factories.enroll(person, program)
        factories.join(person, group)
        people.append(person)
    return people


def test_the_not_yet_heard_list_changes_as_shares_are_logged(
    facilitator_client: Client, participant: User, groupmate: User, live_session: Session
) -> None:
    arrive(live_session, participant, groupmate)
    page = facilitator_client.get(f"/sessions/{live_session.pk}/console/").content.decode()
    assert "Not yet heard" in page
    assert "Sam shared" in page
    assert "Lucia shared" in page
    partial = facilitator_client.post(
        f"/sessions/{live_session.pk}/shares/{participant.pk}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="console-live"' in partial
    assert "Sam shared" not in partial
    assert "Lucia shared" in partial
    assert "<html" not in partial  # the partial, not the page


def test_people_who_left_are_not_listed(
    facilitator: User, participant: User, groupmate: User, live_session: Session
) -> None:
    arrive(live_session, participant, groupmate)
    do_record_presence(session=live_session, user=groupmate, kind="leave", source="join_click")
    assert [u.pk for u in console.not_yet_heard(live_session)] == [participant.pk]


def test_console_over_the_api(
    api_as: object, facilitator: User, participant: User, groupmate: User, live_session: Session
) -> None:
    arrive(live_session, participant, groupmate)
    api = api_as(facilitator)  # type: ignore[operator]
    state = api.post(f"/sessions/{live_session.pk}/shares", {"user_id": groupmate.pk}).json()
    assert [p["display_name"] for p in state["not_yet_heard"]] == ["Sam"]
    assert [p["display_name"] for p in state["heard"]] == ["Lucia"]


@pytest.mark.parametrize(
    "persona", ["participant", "groupmate", "outsider", "other_facilitator", "mentor", "alumnus"]
)
def test_only_the_groups_staff_use_the_console(
    request: pytest.FixtureRequest,
    api_as: object,
    persona: str,
    participant: User,
    live_session: Session,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/sessions/{live_session.pk}/console/").status_code == 404
    assert client.get(f"/sessions/{live_session.pk}/console/live/").status_code == 404
    assert client.post(f"/sessions/{live_session.pk}/shares/{participant.pk}/").status_code == 404
    assert (
        client.post(
            f"/sessions/{live_session.pk}/breakouts/plan/", {"mode": "count", "number": 2}
        ).status_code
        == 404
    )
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.get(f"/sessions/{live_session.pk}/console").status_code == 404
    assert api.post(f"/sessions/{live_session.pk}/breakouts", {"room_count": 2}).status_code == 404
    assert not live_session.breakout_rounds.exists()


def test_breakouts_respect_couples_and_do_not_pair(
    program: Program, admin: User, facilitator: User, crowd: list[User], live_session: Session
) -> None:
    ana, ben, cy, dee = crowd
    do_link_couple(
        program=program, first_id=ana.pk, second_id=ben.pk, policy="apart", linked_by=admin
    )
    do_add_do_not_pair(
        program=program, first_id=cy.pk, second_id=dee.pk, reason="conflict", recorded_by=admin
    )
    arrive(live_session, *crowd)
    breakout = console.do_plan_breakouts(session=live_session, planned_by=facilitator, room_count=2)
    rooms = [{m.pk for m in room.members.all()} for room in breakout.rooms.all()]
    assert sorted(len(r) for r in rooms) == [2, 2]
    for members in rooms:
        assert not {ana.pk, ben.pk} <= members
        assert not {cy.pk, dee.pk} <= members


def test_a_move_that_breaks_a_rule_is_refused(
    program: Program,
    admin: User,
    facilitator_client: Client,
    facilitator: User,
    crowd: list[User],
    live_session: Session,
) -> None:
    ana, ben, *_ = crowd
    do_add_do_not_pair(
        program=program, first_id=ana.pk, second_id=ben.pk, reason="conflict", recorded_by=admin
    )
    arrive(live_session, *crowd)
    breakout = console.do_plan_breakouts(session=live_session, planned_by=facilitator, room_count=2)
    room_of_ben = BreakoutRoom.objects.get(round=breakout, members=ben)
    response = facilitator_client.post(
        f"/sessions/{live_session.pk}/breakouts/move/",
        {"user": ana.pk, "room": room_of_ben.number},
        follow=True,
    )
    assert "breaks a rule" in response.content.decode()
    assert (
        not BreakoutRoom.objects.filter(round=breakout, members=ana)
        .filter(pk=room_of_ben.pk)
        .exists()
    )


def test_participants_see_their_room_and_countdown_and_can_call_the_facilitator(
    facilitator: User,
    participant: User,
    participant_client: Client,
    groupmate: User,
    crowd: list[User],
    live_session: Session,
) -> None:
    arrive(live_session, participant, groupmate, *crowd)
    breakout = console.do_plan_breakouts(
        session=live_session, planned_by=facilitator, room_size=3, duration_minutes=10
    )
    assert (
        "breakout room"
        not in participant_client.get(f"/sessions/{live_session.pk}/my-breakout/").content.decode()
    )
    console.do_open_breakouts(breakout=breakout, opened_by=facilitator)
    console.do_broadcast(breakout=breakout, message="Two minutes left", sent_by=facilitator)
    html = participant_client.get(f"/sessions/{live_session.pk}/my-breakout/").content.decode()
    assert "You are in breakout room" in html
    assert "data-countdown=" in html
    assert "Two minutes left" in html
    participant_client.post(f"/sessions/{live_session.pk}/my-breakout/ask/")
    assert (
        BreakoutRoom.objects.filter(round=breakout, facilitator_asked_at__isnull=False).count() == 1
    )


def test_extending_moves_the_end(
    facilitator: User, crowd: list[User], live_session: Session
) -> None:
    arrive(live_session, *crowd)
    breakout = console.do_plan_breakouts(
        session=live_session, planned_by=facilitator, room_count=2, duration_minutes=10
    )
    breakout = console.do_open_breakouts(breakout=breakout, opened_by=facilitator)
    before = breakout.ends_at
    assert before is not None
    breakout = console.do_extend_breakouts(breakout=breakout, minutes=5, extended_by=facilitator)
    assert breakout.ends_at == before + timedelta(minutes=5)


def test_new_rounds_avoid_repeating_pairs(
    facilitator: User, crowd: list[User], live_session: Session
) -> None:
    arrive(live_session, *crowd)
    first = console.do_plan_breakouts(session=live_session, planned_by=facilitator, room_count=2)
    console.do_open_breakouts(breakout=first, opened_by=facilitator)
    console.do_close_breakouts(breakout=first, closed_by=facilitator)
    second = console.do_plan_breakouts(session=live_session, planned_by=facilitator, room_count=2)
    before = [{m.pk for m in r.members.all()} for r in first.rooms.all()]
    after = [{m.pk for m in r.members.all()} for r in second.rooms.all()]
    assert not any(room in before for room in after)


def test_a_prompt_appears_to_participants_at_session_start(
    facilitator: User, participant_client: Client, series: object, program: Program
) -> None:
    prompt = SharingPrompt.objects.create(
        program=program, text="What helped you this week?", tags=["hope"]
    )
    later = make_session(series, starts_at=timezone.now() + timedelta(hours=3))  # type: ignore[arg-type]
    console.do_choose_prompt(session=later, prompt=prompt, chosen_by=facilitator)
    assert (
        "What helped you this week?"
        not in participant_client.get(f"/sessions/{later.pk}/").content.decode()
    )
    now = make_session(series, starts_at=timezone.now() - timedelta(minutes=1))  # type: ignore[arg-type]
    console.do_choose_prompt(session=now, prompt=prompt, chosen_by=facilitator)
    assert (
        "What helped you this week?"
        in participant_client.get(f"/sessions/{now.pk}/").content.decode()
    )


def test_suggestions_skip_prompts_used_recently(
    facilitator: User, program: Program, series: object
) -> None:
    SharingPrompt.objects.filter(program__isnull=True).delete()  # only these two
    used = SharingPrompt.objects.create(
        program=program, text="Used last week, about gratitude.", tags=["gratitude"]
    )
    fresh = SharingPrompt.objects.create(
        program=program, text="Never used, about hope and the future.", tags=["hope"]
    )
    last_week = make_session(series, starts_at=timezone.now() - timedelta(days=7))  # type: ignore[arg-type]
    console.do_choose_prompt(session=last_week, prompt=used, chosen_by=facilitator)
    upcoming = make_session(series, starts_at=timezone.now() + timedelta(days=1))  # type: ignore[arg-type]
    suggested = [p.pk for p, _reason in console.prompt_suggestions(upcoming, facilitator)]
    assert fresh.pk in suggested
    assert used.pk not in suggested


def test_co_leads_rotate_fairly(
    facilitator: User, participant: User, groupmate: User, series: object, group: TherapyGroup
) -> None:
    CoLeadOptIn.objects.create(
        group=group, user=participant, opted_in_at=timezone.now() - timedelta(days=3)
    )
    CoLeadOptIn.objects.create(
        group=group, user=groupmate, opted_in_at=timezone.now() - timedelta(days=2)
    )
    first = make_session(series, starts_at=timezone.now() + timedelta(days=1))  # type: ignore[arg-type]
    second = make_session(series, starts_at=timezone.now() + timedelta(days=3))  # type: ignore[arg-type]
    third = make_session(series, starts_at=timezone.now() + timedelta(days=5))  # type: ignore[arg-type]
    assert console.do_assign_co_lead(session=first).co_lead == participant
    assert console.do_assign_co_lead(session=second).co_lead == groupmate
    assert console.do_assign_co_lead(session=third).co_lead == participant


def test_an_absent_co_lead_keeps_their_turn(
    participant: User, groupmate: User, series: object, group: TherapyGroup
) -> None:
    CoLeadOptIn.objects.create(
        group=group, user=participant, opted_in_at=timezone.now() - timedelta(days=3)
    )
    CoLeadOptIn.objects.create(
        group=group, user=groupmate, opted_in_at=timezone.now() - timedelta(days=2)
    )
    first = make_session(series, starts_at=timezone.now() + timedelta(days=1))  # type: ignore[arg-type]
    plan = console.do_assign_co_lead(session=first)
    SessionPlan.objects.filter(pk=plan.pk).update(co_lead_held=False)
    second = make_session(series, starts_at=timezone.now() + timedelta(days=3))  # type: ignore[arg-type]
    assert console.do_assign_co_lead(session=second).co_lead == participant


def test_the_co_lead_sees_a_guide_a_day_ahead(
    facilitator: User,
    participant: User,
    participant_client: Client,
    groupmate_client: Client,
    series: object,
    group: TherapyGroup,
    program: Program,
) -> None:
    CoLeadOptIn.objects.create(group=group, user=participant)
    tomorrow = make_session(series, starts_at=timezone.now() + timedelta(hours=20))  # type: ignore[arg-type]
    prompt = SharingPrompt.objects.create(
        program=program, text="Name one small win.", tags=["hope"]
    )
    console.do_choose_prompt(session=tomorrow, prompt=prompt, chosen_by=facilitator)
    console.do_assign_co_lead(session=tomorrow)
    html = participant_client.get(f"/sessions/{tomorrow.pk}/").content.decode()
    assert "You co-lead this session" in html
    assert "Name one small win." in html
    assert (
        "You co-lead this session"
        not in groupmate_client.get(f"/sessions/{tomorrow.pk}/").content.decode()
    )


def test_opting_in_to_co_lead(
    participant_client: Client, participant: User, live_session: Session, group: TherapyGroup
) -> None:
    participant_client.post(f"/sessions/{live_session.pk}/co-lead/opt-in/", {"opt_in": "1"})
    assert CoLeadOptIn.objects.filter(group=group, user=participant).exists()
    participant_client.post(f"/sessions/{live_session.pk}/co-lead/opt-in/", {"opt_in": "0"})
    assert not CoLeadOptIn.objects.filter(group=group, user=participant).exists()


# --- the voices panel: go-round, passes, lengths, balance, quiet lately ----------


def test_the_go_round_follows_arrival_order_and_a_pass_takes_a_turn(
    facilitator: User, participant: User, groupmate: User, live_session: Session
) -> None:
    arrive(live_session, groupmate, participant)
    assert console.voices(live_session).go_round == [groupmate, participant]
    console.do_log_share(
        session=live_session, user_id=groupmate.pk, logged_by=facilitator, kind="passed"
    )
    voices = console.voices(live_session)
    assert voices.go_round == [participant]
    assert voices.passed == [groupmate]
    assert voices.heard == []


def test_a_pass_then_a_share_counts_as_heard(
    facilitator: User, participant: User, live_session: Session
) -> None:
    arrive(live_session, participant)
    console.do_log_share(
        session=live_session, user_id=participant.pk, logged_by=facilitator, kind="passed"
    )
    console.do_log_share(session=live_session, user_id=participant.pk, logged_by=facilitator)
    voices = console.voices(live_session)
    assert voices.passed == []
    assert [line.person for line in voices.heard] == [participant]


def test_rough_lengths_weigh_the_talk_balance(
    api_as: object, facilitator: User, participant: User, groupmate: User, live_session: Session
) -> None:
    arrive(live_session, participant, groupmate)
    api = api_as(facilitator)  # type: ignore[operator]
    url = f"/sessions/{live_session.pk}/shares"
    api.post(url, {"user_id": participant.pk, "length": "long"})
    state = api.post(url, {"user_id": groupmate.pk, "length": "brief"}).json()
    assert [(p["display_name"], p["turns"], p["percent"]) for p in state["heard"]] == [
        ("Sam", 1, 75),
        ("Lucia", 1, 25),
    ]
    assert 0 < state["evenness"] < 100
    state = api.post(url, {"user_id": groupmate.pk, "length": "medium"}).json()
    assert [p["percent"] for p in state["heard"]] == [50, 50]
    assert state["evenness"] == 100


def test_one_voice_carrying_the_session_scores_low(
    facilitator: User, participant: User, groupmate: User, crowd: list[User], live_session: Session
) -> None:
    arrive(live_session, participant, groupmate, *crowd)
    for _turn in range(3):
        console.do_log_share(
            session=live_session, user_id=participant.pk, logged_by=facilitator, length="long"
        )
    assert console.voices(live_session).evenness == 0


def test_people_not_heard_in_the_last_three_sessions_stand_out(
    facilitator: User,
    facilitator_client: Client,
    participant: User,
    groupmate: User,
    series: object,
    live_session: Session,
) -> None:
    for weeks in (1, 2, 3):
        earlier = make_session(series, starts_at=live_session.starts_at - timedelta(weeks=weeks))  # type: ignore[arg-type]
        console.do_log_share(session=earlier, user_id=groupmate.pk, logged_by=facilitator)
        console.do_log_share(
            session=earlier, user_id=participant.pk, logged_by=facilitator, kind="passed"
        )
    arrive(live_session, participant, groupmate)
    assert console.voices(live_session).quiet_ids == {participant.pk}
    page = facilitator_client.get(f"/sessions/{live_session.pk}/console/live/").content.decode()
    quiet_item = page.split('class="voice quiet"')[1].split("</li>")[0]
    assert "Sam" in quiet_item
    assert "Not heard in the last 3 sessions" in quiet_item


def test_nobody_is_singled_out_in_a_groups_first_session(
    participant: User, groupmate: User, live_session: Session
) -> None:
    Session.objects.filter(
        series=live_session.series, starts_at__lt=live_session.starts_at
    ).delete()
    arrive(live_session, participant, groupmate)
    assert console.voices(live_session).quiet_ids == set()


def test_a_share_four_sessions_ago_does_not_count_as_lately(
    facilitator: User, participant: User, series: object, live_session: Session
) -> None:
    long_ago = make_session(series, starts_at=live_session.starts_at - timedelta(weeks=4))  # type: ignore[arg-type]
    console.do_log_share(session=long_ago, user_id=participant.pk, logged_by=facilitator)
    for weeks in (1, 2, 3):
        make_session(series, starts_at=live_session.starts_at - timedelta(weeks=weeks))  # type: ignore[arg-type]
    arrive(live_session, participant)
    assert console.voices(live_session).quiet_ids == {participant.pk}


def test_the_roster_shows_who_is_here_who_left_and_who_has_not_joined(
    api_as: object,
    facilitator: User,
    participant: User,
    groupmate: User,
    crowd: list[User],
    live_session: Session,
) -> None:
    arrive(live_session, participant, groupmate)
    do_record_presence(session=live_session, user=groupmate, kind="leave", source="join_click")
    roster = api_as(facilitator).get(f"/sessions/{live_session.pk}/console").json()["roster"]  # type: ignore[operator]
    presence = {line["display_name"]: line["presence"] for line in roster}
    assert presence == {
        "Sam": "here",
        "Lucia": "left",
        "Ana": "not_joined",
        "Ben": "not_joined",
        "Cy": "not_joined",
        "Dee": "not_joined",
    }


def test_a_turn_of_an_unknown_kind_is_refused_and_nothing_is_written(
    api_as: object,
    facilitator: User,
    facilitator_client: Client,
    participant: User,
    live_session: Session,
) -> None:
    arrive(live_session, participant)
    response = api_as(facilitator).post(  # type: ignore[operator]
        f"/sessions/{live_session.pk}/shares", {"user_id": participant.pk, "kind": "shouted"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "kind"
    partial = facilitator_client.post(
        f"/sessions/{live_session.pk}/shares/{participant.pk}/",
        {"length": "endless"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "A share is brief, medium or long." in partial
    assert not live_session.shares.exists()


def test_a_share_for_someone_off_the_roster_names_the_problem(
    api_as: object, facilitator: User, outsider: User, live_session: Session
) -> None:
    response = api_as(facilitator).post(  # type: ignore[operator]
        f"/sessions/{live_session.pk}/shares", {"user_id": outsider.pk}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_on_roster"
    assert not live_session.shares.exists()


# --- the starter library --------------------------------------------------------------


def test_every_installation_has_the_starter_library() -> None:
    from commonroom.meetings.prompts import STARTER_LIBRARY

    keys = set(SharingPrompt.objects.filter(program__isnull=True).values_list("key", flat=True))
    assert {item.key for item in STARTER_LIBRARY} <= keys
    assert console.sync_starter_library() == 0  # idempotent


def test_a_reworded_library_prompt_is_updated_in_place() -> None:
    prompt = SharingPrompt.objects.get(key="grateful-this-week")
    SharingPrompt.objects.filter(pk=prompt.pk).update(text="An older wording.")
    assert console.sync_starter_library() == 1
    prompt.refresh_from_db()
    assert prompt.text.startswith("What is one thing you are grateful for")


def test_library_prompts_are_shown_in_the_readers_language() -> None:
    from django.utils import translation

    prompt = SharingPrompt.objects.get(key="grateful-this-week")
    own = SharingPrompt(text="What is one thing you are grateful for this week, however small?")
    with translation.override("es"):
        assert prompt.shown_text != prompt.text
        assert "agradec" in prompt.shown_text.lower()
        assert own.shown_text == own.text  # a facilitator's own words stay as written


# --- the participant's home -----------------------------------------------------------


def test_home_shows_the_next_session_with_a_join_button_that_waits_for_the_room(
    participant: User, participant_client: Client, series: object
) -> None:
    Session.objects.filter(series=series).delete()  # type: ignore[misc]
    soon = make_session(series, starts_at=timezone.now() + timedelta(hours=2))  # type: ignore[arg-type]
    html = participant_client.get("/").content.decode()
    assert "Your next session" in html
    link = html.split(f'data-href="/sessions/{soon.pk}/join/?t=')[0].rsplit("<a ", 1)[1]
    assert 'aria-disabled="true"' in link
    assert "data-opens-at=" in html
    assert f'href="/sessions/{soon.pk}/join/' not in html.replace("data-href", "")
    Session.objects.filter(pk=soon.pk).update(
        starts_at=timezone.now() + timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(minutes=190),
    )
    html = participant_client.get("/").content.decode()
    assert f'class="button" href="/sessions/{soon.pk}/join/?t=' in html
    assert 'aria-disabled="true"' not in html


def test_home_shows_the_time_in_the_persons_own_zone(
    participant: User, participant_client: Client, series: object
) -> None:
    Session.objects.filter(series=series).delete()  # type: ignore[misc]
    make_session(series, starts_at=datetime(2099, 3, 2, 0, 0, tzinfo=UTC))  # type: ignore[arg-type]
    User.objects.filter(pk=participant.pk).update(time_zone="Europe/Madrid")
    html = participant_client.get("/").content.decode()
    assert "01:00" in html
    assert "Europe/Madrid" in html


def test_home_shows_the_co_lead_and_the_prompt_once_the_session_starts(
    facilitator: User,
    participant_client: Client,
    groupmate: User,
    series: object,
    program: Program,
) -> None:
    Session.objects.filter(series=series).delete()  # type: ignore[misc]
    later = make_session(series, starts_at=timezone.now() + timedelta(hours=3))  # type: ignore[arg-type]
    prompt = SharingPrompt.objects.create(program=program, text="What gave you hope?", tags=[])
    console.do_choose_prompt(session=later, prompt=prompt, chosen_by=facilitator)
    SessionPlan.objects.filter(session=later).update(co_lead=groupmate)
    html = participant_client.get("/").content.decode()
    assert "Co-leading: Lucia" in html
    assert "What gave you hope?" not in html
    Session.objects.filter(pk=later.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    assert "What gave you hope?" in participant_client.get("/").content.decode()


def test_home_without_an_upcoming_session_shows_none(outsider_client: Client) -> None:
    assert "Your next session" not in outsider_client.get("/").content.decode()


# --- idle sign-out -------------------------------------------------------------------

PASSIVE = {"HTTP_X_COMMONROOM_PASSIVE": "1"}


def test_an_open_console_keeps_the_facilitator_signed_in_during_a_live_session(
    facilitator_client: Client, live_session: Session
) -> None:
    url = f"/sessions/{live_session.pk}/console/live/"
    start = timezone.now()
    # Polled passively, as the page does, for 40 minutes: far past the 15.
    for minute in range(0, 41, 5):
        with time_machine.travel(start + timedelta(minutes=minute)):
            assert facilitator_client.get(url, **PASSIVE).status_code == 200  # type: ignore[arg-type]


def test_a_console_left_open_after_the_session_still_signs_out(
    facilitator_client: Client, past_session: Session
) -> None:
    url = f"/sessions/{past_session.pk}/console/live/"
    start = timezone.now()
    facilitator_client.get(url)
    for minute in range(5, 16, 5):
        with time_machine.travel(start + timedelta(minutes=minute)):
            assert facilitator_client.get(url, **PASSIVE).status_code == 200  # type: ignore[arg-type]
    with time_machine.travel(start + timedelta(minutes=16)):
        response = facilitator_client.get(url, **PASSIVE)  # type: ignore[arg-type]
    assert response["Location"] == "/accounts/login/"
