"""Who may read a pair's space and its check-ins, and who may use each
buddy route: persona by persona, over HTML, the API and the websocket."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.peers.buddies.models import BuddyPair
from commonroom.spaces import access as space_access
from commonroom.spaces import checkins
from commonroom.spaces.models import CheckIn, Thread

pytestmark = pytest.mark.django_db

PAIR_SPACE_READERS = {"participant", "buddy", "facilitator", "admin"}
PERSONAS = [
    "participant",
    "buddy",
    "groupmate",
    "outsider",
    "facilitator",
    "other_facilitator",
    "mentor",
    "alumnus",
    "admin",
]


@pytest.fixture
def buddy_checkin(pair: BuddyPair, participant: User, program: Program) -> CheckIn:
    checkin, _created = checkins.do_check_in(
        user=participant,
        program=program,
        mood=6,
        craving=2,
        sleep_hours=Decimal("7"),
        grateful_for="a long phone call",
        note="",
        audience="buddy",
        client_id=uuid.uuid4(),
    )
    return checkin


def test_a_buddy_check_in_is_posted_in_the_pair_space(
    pair: BuddyPair, buddy_checkin: CheckIn
) -> None:
    assert buddy_checkin.message is not None
    assert buddy_checkin.message.space_id == pair.space_id
    assert buddy_checkin.message.thread == Thread.objects.get(space=pair.space)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pair_space_and_its_check_ins_over_html(
    request: pytest.FixtureRequest,
    client_for: Any,
    pair: BuddyPair,
    buddy_checkin: CheckIn,
    persona: str,
) -> None:
    client = client_for(request.getfixturevalue(persona))
    allowed = persona in PAIR_SPACE_READERS
    space = client.get(f"/spaces/{pair.space_id}/")
    thread = client.get(f"/threads/{buddy_checkin.message.thread_id}/")
    assert space.status_code == (200 if allowed else 404)
    assert thread.status_code == (200 if allowed else 404)
    assert ("a long phone call" in thread.content.decode()) is allowed
    if allowed:
        assert "Your facilitators can read this space too" in space.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pair_space_and_its_check_ins_over_api(
    request: pytest.FixtureRequest,
    api_as: Any,
    pair: BuddyPair,
    buddy_checkin: CheckIn,
    persona: str,
) -> None:
    api = api_as(request.getfixturevalue(persona))
    allowed = persona in PAIR_SPACE_READERS
    assert api.get(f"/spaces/{pair.space_id}").status_code == (200 if allowed else 404)
    response = api.get(f"/threads/{buddy_checkin.message.thread_id}")
    assert response.status_code == (200 if allowed else 404)
    listed = {s["id"] for s in api.get("/spaces").json()["items"]}
    assert (pair.space_id in listed) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pair_space_stream_over_the_websocket_policy(
    request: pytest.FixtureRequest, pair: BuddyPair, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    allowed = persona in PAIR_SPACE_READERS
    # may_read's rule for a space stream (realtime/consumers.py); a real
    # socket is driven in test_sockets.py.
    assert space_access.can_see(user, pair.space_id) is allowed


def test_anonymous_cannot_read_the_pair_space(
    anonymous_client: Any, api_as: Any, pair: BuddyPair
) -> None:
    assert anonymous_client.get(f"/spaces/{pair.space_id}/").status_code == 302
    assert api_as(None).get(f"/spaces/{pair.space_id}").status_code == 401


def test_a_former_buddy_no_longer_reads_the_space(
    client_for: Any, pair: BuddyPair, participant: User, buddy: User
) -> None:
    response = client_for(buddy).post(f"/buddy/pairs/{pair.pk}/end/")
    assert response.status_code == 302
    for person in (participant, buddy):
        assert client_for(person).get(f"/spaces/{pair.space_id}/").status_code == 404


# --- routes ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in {"participant", "buddy"}])
def test_nobody_else_can_change_or_end_the_pair(
    request: pytest.FixtureRequest, client_for: Any, api_as: Any, pair: BuddyPair, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert (
        client.post(f"/buddy/pairs/{pair.pk}/rhythm/", {"rhythm": "every_other_day"}).status_code
        == 404
    )
    assert client.post(f"/buddy/pairs/{pair.pk}/end/").status_code == 404
    api = api_as(user)
    assert api.post(f"/buddies/pairs/{pair.pk}/rhythm", {"rhythm": "daily"}).status_code == 404
    assert api.post(f"/buddies/pairs/{pair.pk}/end").status_code == 404
    pair.refresh_from_db()
    assert pair.ended_at is None
    assert pair.rhythm == "daily"


@pytest.mark.parametrize(
    "persona", ["participant", "groupmate", "outsider", "mentor", "alumnus", "other_facilitator"]
)
def test_only_the_groups_staff_run_its_pairing(
    request: pytest.FixtureRequest,
    client_for: Any,
    api_as: Any,
    group: TherapyGroup,
    program: Program,
    persona: str,
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(f"/buddies/run/group/{group.pk}/").status_code == 404
    assert (
        client.post(
            f"/buddies/run/group/{group.pk}/", {"seed": "1", "fingerprint": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/buddies/run/program/{program.pk}/").status_code == 404
    api = api_as(user)
    assert api.get(f"/buddies/pairings/preview?scope=group&scope_id={group.pk}").status_code == 404
    body = {"scope": "group", "scope_id": group.pk, "seed": 1, "fingerprint": "x"}
    assert api.post("/buddies/pairings", body).status_code == 404


@pytest.mark.parametrize("persona", ["participant", "groupmate", "outsider", "mentor", "alumnus"])
def test_peers_never_see_pair_health(
    request: pytest.FixtureRequest, client_for: Any, api_as: Any, pair: BuddyPair, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/buddies/staff/").status_code == 404
    assert api_as(user).get("/buddies/health").status_code == 404


def test_other_facilitator_sees_no_pair_of_another_group(
    client_for: Any, api_as: Any, pair: BuddyPair, other_facilitator: User
) -> None:
    html = client_for(other_facilitator).get("/buddies/staff/").content.decode()
    assert not re.search(r"\bKim\b", html)  # a word: nonces and tokens are random
    assert api_as(other_facilitator).get("/buddies/health").json()["items"] == []


def test_facilitator_sees_pair_health(
    client_for: Any, api_as: Any, pair: BuddyPair, facilitator: User
) -> None:
    html = client_for(facilitator).get("/buddies/staff/").content.decode()
    assert "Kim" in html
    assert f'data-pair="{pair.pk}"' in html
    (row,) = api_as(facilitator).get("/buddies/health").json()["items"]
    assert row["id"] == pair.pk


def test_anonymous_is_sent_to_sign_in_everywhere(
    anonymous_client: Any, api_as: Any, pair: BuddyPair
) -> None:
    for path in ("/buddy/", "/buddies/staff/", f"/buddies/run/group/{pair.run.group_id}/"):
        assert anonymous_client.get(path).status_code == 302
    assert anonymous_client.post(f"/buddy/pairs/{pair.pk}/end/").status_code == 302
    assert api_as(None).get("/buddies/me").status_code == 401
    assert api_as(None).post(f"/buddies/pairs/{pair.pk}/end").status_code == 401


# --- bad input ------------------------------------------------------------------------


def test_someone_elses_pair_id_is_not_found(
    client_for: Any, api_as: Any, pair: BuddyPair, groupmate: User
) -> None:
    assert client_for(groupmate).post(f"/buddy/pairs/{pair.pk}/end/").status_code == 404
    assert api_as(groupmate).post("/buddies/pairs/999999/end").status_code == 404


def test_an_unknown_rhythm_is_refused_over_html_and_api(
    client_for: Any, api_as: Any, pair: BuddyPair, participant: User
) -> None:
    response = client_for(participant).post(f"/buddy/pairs/{pair.pk}/rhythm/", {"rhythm": "hourly"})
    assert response.status_code == 422
    assert 'data-field="rhythm"' in response.content.decode()
    response = api_as(participant).post(f"/buddies/pairs/{pair.pk}/rhythm", {"rhythm": "hourly"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "rhythm"


def test_either_buddy_changes_the_rhythm(api_as: Any, pair: BuddyPair, buddy: User) -> None:
    response = api_as(buddy).post(f"/buddies/pairs/{pair.pk}/rhythm", {"rhythm": "every_other_day"})
    assert response.status_code == 200
    assert response.json()["pair"]["rhythm"] == "every_other_day"


def test_ending_an_ended_pair_is_not_found(
    api_as: Any, pair: BuddyPair, participant: User, buddy: User
) -> None:
    assert api_as(participant).post(f"/buddies/pairs/{pair.pk}/end").status_code == 200
    assert api_as(buddy).post(f"/buddies/pairs/{pair.pk}/end").status_code == 404


def test_the_api_stale_preview_is_a_conflict(
    api_as: Any,
    program: Program,
    group: TherapyGroup,
    facilitator: User,
    participant: User,
    buddy: User,
) -> None:
    api_as(participant).post("/buddies/me/request")
    api_as(buddy).post("/buddies/me/consent", {"consenting": True})
    staff = api_as(facilitator)
    preview = staff.get(f"/buddies/pairings/preview?scope=group&scope_id={group.pk}&seed=5").json()
    assert len(preview["pairs"]) == 1
    body = {
        "scope": "group",
        "scope_id": group.pk,
        "seed": 5,
        "fingerprint": preview["fingerprint"],
    }
    assert staff.post("/buddies/pairings", body).status_code == 201
    second = staff.post("/buddies/pairings", body)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "stale_preview"
    me = api_as(participant).get("/buddies/me").json()
    assert me["pair"]["buddies"] == [
        {"id": buddy.pk, "display_name": "Kim", "pronouns": "she/they"}
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_one_space_check_agrees_with_the_list_for_pair_spaces(
    request: pytest.FixtureRequest, pair: BuddyPair, persona: str
) -> None:
    viewer = request.getfixturevalue(persona)
    listed = set(space_access.spaces_visible_to(viewer).values_list("pk", flat=True))
    assert space_access.can_see(viewer, pair.space_id) == (pair.space_id in listed)


def test_the_pair_space_check_stays_two_queries(
    pair: BuddyPair, participant: User, django_assert_num_queries: Any
) -> None:
    # The space, and the alumni periods (see tests/spaces/test_access_equivalence.py).
    with django_assert_num_queries(2):
        assert space_access.can_see(participant, pair.space_id)


def test_a_member_who_leaves_the_program_loses_the_pair_space(
    pair: BuddyPair, buddy: User, participant: User
) -> None:
    buddy.enrollments.update(phase="discharged")
    assert not space_access.can_see(buddy, pair.space_id)
    assert space_access.can_see(participant, pair.space_id)
    assert buddy.pk not in space_access.member_ids(pair.space)


def test_the_pair_space_is_listed_for_the_pair_only(
    client_for: Any, pair: BuddyPair, buddy: User, groupmate: User
) -> None:
    assert "Buddy space" in client_for(buddy).get("/spaces/").content.decode()
    assert "Buddy space" not in client_for(groupmate).get("/spaces/").content.decode()
