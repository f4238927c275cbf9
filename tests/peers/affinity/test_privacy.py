"""A non-member cannot learn who belongs to an affinity group by any route:
the affinity pages and API, profiles, care's group and enrollment pages,
sessions, spaces, search, mentions and the email digest. Websocket routes
are in test_sockets.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import TherapyGroup
from commonroom.meetings.models import Session
from commonroom.peers.affinity.models import AffinityGroup
from commonroom.spaces import access as space_access
from commonroom.spaces import actions as space_actions
from commonroom.spaces.digest import enqueue_digests
from commonroom.spaces.models import Space, Thread
from tests.conftest import signed_in_client
from tests.peers.affinity.conftest import NON_MEMBERS, SECRET_MEMBER

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], Any]
ALLOWED = ("participant", "affinity_lead", "admin")


def _as(request: pytest.FixtureRequest, persona: str) -> User:
    user: User = request.getfixturevalue(persona)
    return user


def _html(request: pytest.FixtureRequest, persona: str) -> Client:
    return signed_in_client(_as(request, persona))


def _no_member_in(text: str, *also: str) -> None:
    assert SECRET_MEMBER not in text
    for value in also:
        assert value not in text


# --- the affinity pages and API ---------------------------------------------


@pytest.mark.parametrize("persona", ALLOWED)
def test_members_and_staff_see_who_belongs(
    request: pytest.FixtureRequest, members: list[User], affinity: AffinityGroup, api_as: Api,
    persona: str,
) -> None:  # fmt: skip
    page = _html(request, persona).get(f"/affinity/{affinity.pk}/").content.decode()
    assert SECRET_MEMBER in page
    listed = api_as(_as(request, persona)).get(f"/affinity/groups/{affinity.pk}/members")
    assert listed.status_code == 200
    assert {m["display_name"] for m in listed.json()["items"]} == {"Sam", SECRET_MEMBER}
    assert set(listed.json()["items"][0]) == {"id", "display_name", "pronouns"}


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_non_members_never_see_names_or_counts(
    request: pytest.FixtureRequest, members: list[User], affinity: AffinityGroup, api_as: Api,
    persona: str,
) -> None:  # fmt: skip
    client = _html(request, persona)
    api = api_as(_as(request, persona))
    for path in ("/affinity/", f"/affinity/{affinity.pk}/", "/affinity/requests/"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        _no_member_in(response.content.decode(), "Members")
    assert api.get(f"/affinity/groups/{affinity.pk}/members").status_code == 404
    for path in ("/affinity/groups", f"/affinity/groups/{affinity.pk}", "/affinity/queue"):
        response = api.get(path)
        assert response.status_code in (200, 404), path
        _no_member_in(response.content.decode(), "member_count", "members")


def test_anonymous_gets_nothing(
    anonymous_client: Client, members: list[User], affinity: AffinityGroup, program: Any
) -> None:
    for path in (
        "/affinity/", f"/affinity/{affinity.pk}/", "/affinity/requests/",
        f"/programs/{program.pk}/affinity/", f"/affinity/{affinity.pk}/edit/",
    ):  # fmt: skip
        response = anonymous_client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")
    for path in (
        "/affinity/groups", f"/affinity/groups/{affinity.pk}/members", "/affinity/queue",
        "/affinity/me/requests", f"/affinity/programs/{program.pk}/catalogue",
    ):  # fmt: skip
        assert anonymous_client.get(f"/api/v1{path}").status_code == 401, path


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("participant", True), ("groupmate", True), ("outsider", True),
        ("facilitator", True), ("other_facilitator", True), ("admin", True),
        ("mentor", False), ("alumnus", False),
    ],
)  # fmt: skip
def test_who_sees_the_catalogue(
    request: pytest.FixtureRequest, affinity: AffinityGroup, api_as: Api, persona: str, sees: bool
) -> None:
    names = [
        g["name"] for g in api_as(_as(request, persona)).get("/affinity/groups").json()["items"]
    ]
    assert ("LGBTQ+" in names) is sees
    status = _html(request, persona).get(f"/affinity/{affinity.pk}/").status_code
    assert status == (200 if sees else 404)


def test_participants_see_only_running_groups(
    affinity: AffinityGroup, participant: User, admin: User, api_as: Api
) -> None:
    assert [g["key"] for g in api_as(participant).get("/affinity/groups").json()["items"]] == [
        "lgbtq"
    ]
    assert len(api_as(admin).get("/affinity/groups").json()["items"]) == 10


@pytest.mark.parametrize("persona", [*NON_MEMBERS, "participant", "affinity_lead"])
def test_only_admins_edit_the_catalogue(
    request: pytest.FixtureRequest, affinity: AffinityGroup, program: Any, api_as: Api,
    persona: str,
) -> None:  # fmt: skip
    client = _html(request, persona)
    api = api_as(_as(request, persona))
    assert client.get(f"/programs/{program.pk}/affinity/").status_code == 404
    assert client.post(f"/programs/{program.pk}/affinity/", {"name": "X"}).status_code == 404
    assert client.get(f"/affinity/{affinity.pk}/edit/").status_code == 404
    assert client.post(f"/affinity/{affinity.pk}/archive/").status_code == 404
    assert api.get(f"/affinity/programs/{program.pk}/catalogue").status_code == 404
    assert api.post(f"/affinity/programs/{program.pk}/catalogue", {"name": "X"}).status_code == 404
    assert api.patch(f"/affinity/groups/{affinity.pk}", {"name": "X"}).status_code == 404
    affinity.refresh_from_db()
    assert affinity.name == "LGBTQ+"
    assert affinity.archived_at is None


def test_admin_pages_render(
    admin_client: Client, affinity: AffinityGroup, program: Any, members: list[User]
) -> None:
    assert "LGBTQ+" in admin_client.get(f"/programs/{program.pk}/affinity/").content.decode()
    assert admin_client.get(f"/affinity/{affinity.pk}/edit/").status_code == 200


def test_a_pending_requester_is_not_a_member(
    affinity: AffinityGroup, affinity_space: Space, members: list[User], groupmate: User,
    groupmate_client: Client, api_as: Api,
) -> None:  # fmt: skip
    api = api_as(groupmate)
    assert api.post(f"/affinity/groups/{affinity.pk}/requests", {}).status_code == 201
    assert api.get(f"/affinity/groups/{affinity.pk}/members").status_code == 404
    assert api.get(f"/spaces/{affinity_space.pk}").status_code == 404
    assert groupmate_client.get(f"/spaces/{affinity_space.pk}/").status_code == 404
    _no_member_in(groupmate_client.get(f"/affinity/{affinity.pk}/").content.decode())


# --- profiles ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["groupmate", "facilitator", "mentor", "alumnus"])
def test_sharing_nothing_but_the_affinity_group_keeps_a_profile_hidden(
    request: pytest.FixtureRequest, members: list[User], kai: User, api_as: Api, persona: str
) -> None:
    assert _html(request, persona).get(f"/people/{kai.pk}/").status_code == 404
    assert api_as(_as(request, persona)).get(f"/people/{kai.pk}").status_code == 404


@pytest.mark.parametrize("persona", ["participant", "outsider", "other_facilitator", "admin"])
def test_a_profile_never_shows_affinity_membership(
    request: pytest.FixtureRequest, members: list[User], kai: User, api_as: Api, persona: str
) -> None:
    page = _html(request, persona).get(f"/people/{kai.pk}/")
    assert page.status_code == 200
    assert "LGBTQ" not in page.content.decode()
    assert "LGBTQ" not in api_as(_as(request, persona)).get(f"/people/{kai.pk}").content.decode()


# --- care's group and enrollment pages ----------------------------------------


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_the_running_group_and_its_roster_are_hidden(
    request: pytest.FixtureRequest, members: list[User], affinity_group: TherapyGroup,
    api_as: Api, persona: str,
) -> None:  # fmt: skip
    assert _html(request, persona).get(f"/groups/{affinity_group.pk}/").status_code == 404
    api = api_as(_as(request, persona))
    assert api.get(f"/groups/{affinity_group.pk}/roster").status_code == 404
    assert api.get(f"/groups/{affinity_group.pk}").status_code == 404


def test_a_process_facilitator_does_not_see_the_affinity_on_an_enrollment(
    members: list[User], participant: User, affinity_group: TherapyGroup, group: TherapyGroup,
    facilitator_client: Client, api_as: Api, facilitator: User, admin: User,
) -> None:  # fmt: skip
    enrollment = participant.enrollments.get()
    page = facilitator_client.get(f"/enrollments/{enrollment.pk}/").content.decode()
    assert "Group A" in page
    assert affinity_group.name not in page
    body = api_as(facilitator).get(f"/enrollments/{enrollment.pk}").json()
    assert body["group_ids"] == [group.pk]
    listed = api_as(admin).get(f"/enrollments/{enrollment.pk}").json()["group_ids"]
    assert sorted(listed) == sorted([group.pk, affinity_group.pk])
    own = signed_in_client(participant).get(f"/enrollments/{enrollment.pk}/").content.decode()
    assert affinity_group.name in own


# --- sessions ---------------------------------------------------------------


@pytest.fixture
def affinity_session(affinity_group: TherapyGroup, admin: User) -> Session:
    from commonroom.meetings.scheduling import do_create_series

    series = do_create_series(
        group=affinity_group,
        created_by=admin,
        title="LGBTQ+ circle",
        rule="FREQ=WEEKLY;BYDAY=TU",
        start_date=timezone.localdate(),
        local_start=time(18, 0),
        duration_minutes=90,
    )
    session = series.sessions.order_by("starts_at").first()
    assert session is not None
    return session


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_sessions_of_the_group_are_hidden(
    request: pytest.FixtureRequest, members: list[User], affinity_session: Session,
    api_as: Api, persona: str,
) -> None:  # fmt: skip
    client = _html(request, persona)
    assert client.get(f"/sessions/{affinity_session.pk}/").status_code == 404
    _no_member_in(client.get("/sessions/").content.decode(), "LGBTQ+ circle")
    api = api_as(_as(request, persona))
    assert api.get(f"/sessions/{affinity_session.pk}").status_code == 404
    assert api.get(f"/sessions/{affinity_session.pk}/attendance").status_code == 404
    assert affinity_session.pk not in [s["id"] for s in api.get("/sessions").json()["items"]]


def test_the_catalogue_shows_when_but_not_who(
    members: list[User], affinity_session: Session, groupmate: User, api_as: Api,
    affinity: AffinityGroup,
) -> None:  # fmt: skip
    entry = api_as(groupmate).get(f"/affinity/groups/{affinity.pk}").json()
    assert entry["upcoming_sessions"]
    assert entry["standing"] == "may_ask"
    assert entry["leads"] == ["Morgan"]


def test_members_see_the_sessions(
    members: list[User], affinity_session: Session, kai: User, api_as: Api
) -> None:
    assert api_as(kai).get(f"/sessions/{affinity_session.pk}").status_code == 200


# --- spaces, search, mentions, digest -----------------------------------------


@pytest.fixture
def thread(affinity_space: Space, participant: User, members: list[User]) -> Thread:
    return space_actions.do_create_thread(space=affinity_space, author=participant, title="Hi all")


def _post(space: Space, thread: Thread, author: User, body: str) -> None:
    space_actions.do_post_message(
        space=space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
    )


@pytest.mark.parametrize("persona", NON_MEMBERS)
def test_spaces_and_search_are_closed_to_non_members(
    request: pytest.FixtureRequest, affinity_space: Space, thread: Thread, participant: User,
    api_as: Api, persona: str,
) -> None:  # fmt: skip
    _post(affinity_space, thread, participant, "zebrafish evening with @Kai")
    client = _html(request, persona)
    api = api_as(_as(request, persona))
    assert affinity_space.name not in client.get("/spaces/").content.decode()
    assert affinity_space.pk not in [s["id"] for s in api.get("/spaces").json()["items"]]
    assert client.get(f"/spaces/{affinity_space.pk}/").status_code == 404
    assert client.get(f"/threads/{thread.pk}/").status_code == 404
    assert api.get(f"/spaces/{affinity_space.pk}").status_code == 404
    assert api.get(f"/spaces/{affinity_space.pk}/events").status_code == 404
    assert api.get(f"/threads/{thread.pk}/messages").status_code == 404
    assert api.get("/search?q=zebrafish").json()["items"] == []
    _no_member_in(client.get("/search/?q=zebrafish").content.decode(), "zebrafish evening")
    posted = api.post(
        f"/threads/{thread.pk}/messages", {"body": "@Kai hi", "client_id": str(uuid.uuid4())}
    )
    assert posted.status_code == 404


def test_a_member_finds_their_groups_messages(
    affinity_space: Space, thread: Thread, participant: User, kai: User, api_as: Api
) -> None:
    _post(affinity_space, thread, participant, "zebrafish evening with @Kai")
    assert len(api_as(kai).get("/search?q=zebrafish").json()["items"]) == 1


def test_mentions_resolve_only_among_members_and_staff(
    affinity_space: Space, thread: Thread, participant: User, kai: User, affinity_lead: User,
    admin: User, groupmate: User,
) -> None:  # fmt: skip
    assert space_access.member_ids(affinity_space) == {
        participant.pk, kai.pk, affinity_lead.pk, admin.pk,
    }  # fmt: skip
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _post(affinity_space, thread, participant, "hello @Lucia")
    assert "Nobody called @lucia" in str(refused.value)


def test_the_digest_names_no_group_and_no_member(
    affinity_space: Space, thread: Thread, participant: User, kai: User
) -> None:
    signed_in_client(kai).post("/notifications/", {"digest": "on"})
    _post(affinity_space, thread, participant, "zebrafish evening")
    enqueue_digests(now=datetime(2026, 11, 28, 14, 0, tzinfo=UTC), base_url="https://cr.example")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [kai.email]
    for secret in ("LGBTQ", "Affinity", "affinity", "Sam", "zebrafish", affinity_space.name):
        assert secret not in sent.subject
        assert secret not in sent.body


def test_requests_send_no_email(
    affinity: AffinityGroup, participant: User, affinity_lead: User, api_as: Api
) -> None:
    request_id = (
        api_as(participant)
        .post(f"/affinity/groups/{affinity.pk}/requests", {"note": "hi"})
        .json()["id"]
    )
    api_as(affinity_lead).post(f"/affinity/requests/{request_id}/decision", {"approve": False})
    assert mail.outbox == []


def test_a_non_members_calendar_feed_leaves_the_group_out(
    members: list[User], affinity_session: Session, groupmate: User, kai: User, api_as: Api
) -> None:
    uid = f"UID:{affinity_session.series_id}-"
    for person, included in ((groupmate, False), (kai, True)):
        url = api_as(person).post("/me/calendar-feeds").json()["url"]
        feed = Client().get(url.removeprefix("http://testserver")).content.decode()
        assert (uid in feed) is included


def test_the_catalogue_costs_the_same_queries_for_few_groups_or_many(
    members: list[User], affinity: AffinityGroup, admin: User, program: Any, api_as: Api
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commonroom.peers.affinity.actions import do_create_affinity_group

    api = api_as(admin)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/affinity/groups").json()["items"]) == 10
    for n in range(5):
        do_create_affinity_group(
            program=program, name=f"Extra {n}", description="", created_by=admin
        )
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/affinity/groups").json()["items"]) == 15
    assert len(many) == len(few)
