"""Check-ins over the API: the same rules as the pages, and a refusal for
every persona that may not read them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from commonroom.accounts.models import User
from commonroom.care.actions.agreements import do_publish_agreement
from commonroom.care.models import Program, TherapyGroup
from commonroom.core.models import AuditEntry
from commonroom.spaces import checkins
from commonroom.spaces.models import CheckIn, Message, Space, SpaceKind
from tests.conftest import Api

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]


def body(**fields: Any) -> dict[str, Any]:
    return {
        "mood": 7,
        "craving": 2,
        "sleep_hours": 7.5,
        "grateful_for": "a long walk",
        "note": "",
        "audience": "group",
        "client_id": str(uuid.uuid4()),
    } | fields


def test_a_checkin_is_created_then_a_retry_answers_200_with_the_same_one(
    api_as: ApiAs, participant: User
) -> None:
    api = api_as(participant)
    sent = body()
    first = api.post("/checkins", sent)
    again = api.post("/checkins", sent)
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["message_id"] is not None
    assert CheckIn.objects.count() == 1
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("mood", {"mood": 0}),
        ("mood", {"mood": 11}),
        ("craving", {"craving": -1}),
        ("sleep_hours", {"sleep_hours": 25}),
        ("note", {"note": "x" * (checkins.NOTE_MAX_CHARS + 1)}),
    ],
)
def test_a_bad_answer_is_a_422_naming_its_field(
    api_as: ApiAs, participant: User, field: str, bad: dict[str, Any]
) -> None:
    response = api_as(participant).post("/checkins", body(**bad))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    assert not CheckIn.objects.exists()
    assert not Message.objects.exists()


def test_buddy_audience_without_a_buddy_is_refused_with_a_clear_error(
    api_as: ApiAs, participant: User
) -> None:
    response = api_as(participant).post("/checkins", body(audience="buddy"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["field"], error["code"]) == ("audience", "no_buddy")
    assert "You don't have an accountability buddy right now" in error["message"]
    assert not CheckIn.objects.exists()


def test_my_checkins_come_with_my_streak(api_as: ApiAs, participant: User) -> None:
    api = api_as(participant)
    api.post("/checkins", body(audience="facilitators", note="mine"))
    response = api.get("/me/checkins")
    assert response.status_code == 200
    data = response.json()
    assert data["streak"] == 1
    assert [c["note"] for c in data["checkins"]] == ["mine"]


def test_a_groupmate_sees_a_group_checkin_in_the_group_space(
    api_as: ApiAs, participant: User, groupmate: User, group: TherapyGroup
) -> None:
    created = api_as(participant).post("/checkins", body(grateful_for="sunrise")).json()
    mate = api_as(groupmate)
    messages = mate.get(f"/threads/{created['thread_id']}/messages")
    assert messages.status_code == 200
    assert any("sunrise" in m["html"] for m in messages.json()["items"])


def test_a_facilitators_only_checkin_never_reaches_a_groupmate_over_the_api(
    api_as: ApiAs, participant: User, groupmate: User, group: TherapyGroup
) -> None:
    api = api_as(participant)
    api.post("/checkins", body())
    api.post("/checkins", body(audience="facilitators", note="only-for-staff-7Q"))
    mate = api_as(groupmate)
    space = Space.objects.get(group=group, kind=SpaceKind.CHECKIN)
    events = mate.get(f"/spaces/{space.pk}/events")
    assert events.status_code == 200
    assert "only-for-staff-7Q" not in events.content.decode()
    for thread in mate.get(f"/spaces/{space.pk}/threads").json()["items"]:
        listing = mate.get(f"/threads/{thread['id']}/messages").content.decode()
        assert "only-for-staff-7Q" not in listing
    assert "only-for-staff-7Q" not in mate.get("/me/checkins").content.decode()
    assert mate.get(f"/groups/{group.pk}/checkins").status_code == 404


def test_staff_reading_one_page_record_only_the_people_on_it(
    api_as: ApiAs, participant: User, groupmate: User, facilitator: User, group: TherapyGroup
) -> None:
    api_as(participant).post("/checkins", body(note="first"))
    api_as(groupmate).post("/checkins", body(audience="facilitators", note="second"))
    page = api_as(facilitator).get(f"/groups/{group.pk}/checkins?limit=1").json()
    assert (len(page["items"]), page["count"]) == (1, 2)
    (entry,) = AuditEntry.objects.filter(action="checkin.read", actor_id=facilitator.pk)
    assert entry.subject_id == page["items"][0]["person"]["id"]


def test_staff_of_the_group_read_every_checkin_of_the_group(
    api_as: ApiAs,
    participant: User,
    groupmate: User,
    outsider: User,
    facilitator: User,
    admin: User,
    group: TherapyGroup,
) -> None:
    api_as(participant).post("/checkins", body(note="shared-A1"))
    api_as(groupmate).post("/checkins", body(audience="facilitators", note="private-B2"))
    api_as(outsider).post("/checkins", body(audience="facilitators", note="other-group-C3"))
    for staff in (facilitator, admin):
        response = api_as(staff).get(f"/groups/{group.pk}/checkins")
        assert response.status_code == 200
        rows = response.json()["items"]
        assert {r["note"] for r in rows} == {"shared-A1", "private-B2"}
        assert {r["person"]["display_name"] for r in rows} == {"Sam", "Lucia"}
        assert "email" not in rows[0]["person"]
    assert AuditEntry.objects.filter(action="checkin.read", actor_id=facilitator.pk).count() == 2


@pytest.mark.parametrize(
    "viewer", ["participant", "groupmate", "outsider", "other_facilitator", "alumnus", "mentor"]
)
def test_only_the_groups_staff_may_list_its_checkins(
    request: pytest.FixtureRequest,
    api_as: ApiAs,
    participant: User,
    program: Program,
    group: TherapyGroup,
    viewer: str,
) -> None:
    checkins.do_check_in(
        user=participant, program=program, mood=5, craving=3, sleep_hours=6,
        audience="facilitators", client_id=uuid.uuid4(),
    )  # fmt: skip
    response = api_as(request.getfixturevalue(viewer)).get(f"/groups/{group.pk}/checkins")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_an_alumnus_cannot_check_in(api_as: ApiAs, alumnus: User) -> None:
    assert api_as(alumnus).post("/checkins", body(audience="facilitators")).status_code == 404
    assert not CheckIn.objects.exists()


def test_a_program_you_are_not_in_is_not_found(
    api_as: ApiAs, participant: User, program: Program
) -> None:
    response = api_as(participant).post("/checkins", body(program_id=program.pk + 1000))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/checkins"), ("get", "/me/checkins"), ("get", "/groups/{group}/checkins")],
)
def test_anonymous_gets_401(api_as: ApiAs, group: TherapyGroup, method: str, path: str) -> None:
    api = api_as(None)
    url = path.format(group=group.pk)
    response = api.post(url, body()) if method == "post" else api.get(url)
    assert response.status_code == 401


def test_a_group_checkin_before_the_agreement_is_a_403_and_stores_nothing(
    api_as: ApiAs, participant: User, program: Program, admin: User
) -> None:
    do_publish_agreement(
        program=program, body="We keep what is said here private and kind.", published_by=admin
    )
    response = api_as(participant).post("/checkins", body())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "agreement_required"
    assert not CheckIn.objects.exists()
