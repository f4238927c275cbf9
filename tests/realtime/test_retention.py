"""Retention of the event log, and the ``resync`` answer over the API for a
cursor the log cannot honour (the socket's is in test_streams.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.realtime import events
from commonroom.realtime.models import Event, Stream
from commonroom.spaces import actions
from commonroom.spaces.models import Space, SpaceKind, SpaceScope, Thread

pytestmark = pytest.mark.django_db

ApiFor = Callable[[User | None], Any]
START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def thread(program: Program, group: TherapyGroup, participant: User) -> Thread:
    space = Space.objects.create(
        program=program, scope=SpaceScope.GROUP, group=group, kind=SpaceKind.GENERAL, name="A"
    )
    return Thread.objects.create(space=space, title="Week", created_by=participant)


def post_on(day: int, thread: Thread, author: User) -> None:
    with time_machine.travel(START + dt.timedelta(days=day), tick=False):
        actions.do_post_message(
            space=thread.space, author=author, body=f"Day {day}", client_id=uuid.uuid4(),
            thread=thread,
        )  # fmt: skip


def test_pruning_deletes_events_older_than_the_window_and_marks_the_stream(
    thread: Thread, participant: User, settings: Any
) -> None:
    settings.REALTIME_RETENTION_DAYS = 30
    for day in (0, 1, 40):
        post_on(day, thread, participant)
    with time_machine.travel(START + dt.timedelta(days=45), tick=False):
        call_command("prune_events", stdout=None)
    key = thread.space.stream_key
    assert [e.position for e in events.since(key, 0)] == [3]
    assert Stream.objects.get(key=key).pruned_through == 2


def test_pruning_twice_changes_nothing_more(thread: Thread, participant: User) -> None:
    for day in (0, 1):
        post_on(day, thread, participant)
    events.prune(before=START + dt.timedelta(days=1))
    assert events.prune(before=START + dt.timedelta(days=1)) == 0
    assert Event.objects.count() == 1
    assert Stream.objects.get(key=thread.space.stream_key).pruned_through == 1


def test_a_pruned_stream_still_serves_a_cursor_at_or_after_its_mark(
    api_as: ApiFor, thread: Thread, participant: User, groupmate: User
) -> None:
    for day in (0, 1, 2):
        post_on(day, thread, participant)
    events.prune(before=START + dt.timedelta(days=1))
    body = api_as(groupmate).get(f"/spaces/{thread.space_id}/events?after=1").json()
    assert [e["position"] for e in body["events"]] == [2, 3]


@pytest.mark.parametrize(
    ("after", "limit", "reason_words"),
    [
        (0, 100, "no longer kept"),  # older than the earliest kept
        (9, 100, "past the newest"),  # beyond the head
        (1, 1, "Too many events"),  # more missed than the server replays
    ],
)
def test_a_cursor_the_log_cannot_honour_answers_resync_over_the_api(
    api_as: ApiFor,
    thread: Thread,
    participant: User,
    groupmate: User,
    settings: Any,
    after: int,
    limit: int,
    reason_words: str,
) -> None:
    settings.REALTIME_MAX_BACKLOG = limit
    for day in (0, 1, 2):
        post_on(day, thread, participant)
    events.prune(before=START + dt.timedelta(days=1))
    response = api_as(groupmate).get(f"/spaces/{thread.space_id}/events?after={after}")
    assert response.status_code == 410
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("resync", "after")
    assert reason_words in error["message"]
    assert "position 3" in error["message"]


def test_a_resync_is_answered_in_the_persons_language(
    api_as: ApiFor, thread: Thread, participant: User, groupmate: User
) -> None:
    groupmate.preferred_language = "es"
    groupmate.save(update_fields=["preferred_language"])
    post_on(0, thread, participant)
    response = api_as(groupmate).get(f"/spaces/{thread.space_id}/events?after=7")
    assert response.status_code == 410
    assert "posición 1" in response.json()["error"]["message"]
