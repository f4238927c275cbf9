"""The durable event log (realtime/events.py): positions, concurrent writers,
idempotent posting, withdrawal under concurrent edits, and the payload
allow-list."""

from __future__ import annotations

import functools
import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections, transaction

from commonroom.accounts.models import User
from commonroom.realtime import events
from commonroom.realtime.models import Event, Stream
from commonroom.spaces import actions
from commonroom.spaces.models import Message, Space, Thread

WRITERS = 8
POSTS_PER_WRITER = 25


def _retry_when_locked[T](work: Callable[[], T]) -> T:
    """SQLite's test database is in memory with a shared cache, where a
    connection that meets another's lock gets "database table is locked" at
    once instead of waiting (the busy timeout does not apply to shared-cache
    locks). Waiting and trying the whole transaction again is what the busy
    timeout does for the file database in production; PostgreSQL waits on the
    row lock by itself and never gets here."""
    give_up = time.monotonic() + 60  # generous: a loaded CI machine starves threads
    while True:
        try:
            return work()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            if time.monotonic() > give_up:
                raise AssertionError("the database stayed locked for a minute") from error
            time.sleep(0.001)


def _start(
    count: int, target: Callable[[int], None]
) -> tuple[list[threading.Thread], list[BaseException]]:
    """Starts ``target(i)`` in ``count`` threads, each with its own database
    connection; the list collects what they raise."""
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            target(index)
        except BaseException as error:  # reported by the test, not lost in a thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, failures


def _join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"


def _in_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    """Runs ``target(i)`` in ``count`` threads and returns what they raised."""
    threads, failures = _start(count, target)
    _join(threads)
    return failures


# --- positions -------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_stream_counts_its_own_positions_from_one() -> None:
    with mock.patch.object(events, "publish"):
        first = [events.append("space.1", "thread.locked", {"thread_id": 1, "locked": True})]
        other = events.append("space.2", "thread.locked", {"thread_id": 2, "locked": True})
        first.append(events.append("space.1", "thread.locked", {"thread_id": 1, "locked": False}))
    assert [e.position for e in first] == [1, 2]
    assert other.position == 1
    assert [e.position for e in events.since("space.1", 0)] == [1, 2]
    assert [e.position for e in events.since("space.1", 1)] == [2]
    assert events.last_position("space.1") == 2
    assert events.last_position("space.404") == 0


@pytest.mark.django_db
def test_since_reads_at_most_a_batch_in_order() -> None:
    with mock.patch.object(events, "publish"):
        for n in range(7):
            events.append("space.1", "thread.locked", {"thread_id": n, "locked": True})
    assert [e.position for e in events.since("space.1", 2, limit=3)] == [3, 4, 5]
    assert [e.payload["thread_id"] for e in events.since("space.1", 5)] == [5, 6]


def _append_then_fail() -> None:
    with transaction.atomic():
        events.append("space.1", "thread.locked", {"thread_id": 1, "locked": False})
        raise RuntimeError("the change failed")


@pytest.mark.django_db
def test_a_rolled_back_append_leaves_no_event_no_gap_and_no_publish() -> None:
    with mock.patch.object(events, "publish") as publish:
        events.append("space.1", "thread.locked", {"thread_id": 1, "locked": True})
        with pytest.raises(RuntimeError):
            _append_then_fail()
        later = events.append("space.1", "thread.locked", {"thread_id": 1, "locked": True})
    assert later.position == 2
    assert Event.objects.count() == 2
    # Outside a transaction test the on-commit hooks of the two committed
    # appends are not run; the rolled-back one must not be either.
    assert publish.call_count == 0


@pytest.mark.django_db
def test_an_event_is_published_only_after_its_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        mock.patch.object(events, "publish") as publish,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        event = events.append("space.1", "thread.locked", {"thread_id": 1, "locked": True})
        assert publish.call_count == 0
    assert len(callbacks) == 1
    publish.assert_called_once_with(event)


@dataclass
class Race:
    batches: list[list[int]] = field(default_factory=list)
    out_of_order: list[tuple[int, list[int]]] = field(default_factory=list)


def _race_writers_against_a_reader(key: str) -> Race:
    """Eight writers append to one stream at once while a reader polls
    ``since(last)`` and checks that every batch starts right after the last
    position it read and is contiguous. Each writer holds its transaction
    open a little after appending, so positions that could commit out of
    order do."""
    done = threading.Event()
    race = Race()

    def write(index: int) -> None:
        rng = random.Random(index)  # seeded: the same pauses each run

        def one(n: int) -> None:
            with transaction.atomic():
                events.append(key, "thread.locked", {"thread_id": index * 1000 + n, "locked": True})
                time.sleep(rng.random() * 0.002)

        for n in range(POSTS_PER_WRITER):
            _retry_when_locked(functools.partial(one, n))

    def read() -> None:
        last = 0

        def poll() -> list[int]:
            return [e.position for e in events.since(key, last)]

        while True:
            finished = done.is_set()  # read once more after the writers end
            positions = _retry_when_locked(poll)
            if positions:
                if positions != list(range(last + 1, last + 1 + len(positions))):
                    race.out_of_order.append((last, positions))
                race.batches.append(positions)
                last = positions[-1]
            if finished and not positions:
                return

    with mock.patch.object(events, "publish"):
        reader, reader_failures = _start(1, lambda _i: read())
        failures = _in_threads(WRITERS, write)
        done.set()
        _join(reader)
    assert not failures, failures
    assert not reader_failures, reader_failures
    return race


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_commit_positions_in_order_for_a_polling_reader() -> None:
    # SQLite takes one database-wide write lock per transaction, so writers
    # cannot interleave there and the race this proves safe cannot happen;
    # with eight threads on a file it only measures lock waits. CI runs it on
    # PostgreSQL, where commits really can land out of order.
    if connection.vendor != "postgresql":
        pytest.skip("the out-of-order commit race exists on PostgreSQL only")
    """If positions could commit out of order (as sequence values do on
    PostgreSQL), a reader would see n+1 before n, move past n and never read
    it. The stream-row lock in ``append`` makes writers commit in order."""
    key = "space.1"
    Stream.objects.create(key=key)
    race = _race_writers_against_a_reader(key)
    assert not race.out_of_order, (
        f"the reader saw a later position before an earlier one: {race.out_of_order}"
    )

    total = WRITERS * POSTS_PER_WRITER
    stored = list(
        Event.objects.filter(stream__key=key)
        .order_by("position")
        .values_list("position", "payload")
    )
    assert [p for p, _payload in stored] == list(range(1, total + 1))
    assert len({json.dumps(payload, sort_keys=True) for _p, payload in stored}) == total
    assert events.last_position(key) == total

    read_positions = [p for batch in race.batches for p in batch]
    assert read_positions == list(range(1, total + 1))  # each event read once, in order
    assert len(race.batches) > 1, "the reader polled only once: nothing was concurrent"


def _append_with_a_sequence(stream_key: str, kind: str, payload: dict[str, Any]) -> Any:
    """The design ``append`` avoids: a position from a database sequence,
    handed out at once and committed whenever its writer commits."""
    with transaction.atomic():
        stream, _created = Stream.objects.get_or_create(key=stream_key)
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('test_event_position')")
            (position,) = cursor.fetchone()
        Event.objects.create(stream=stream, position=position, kind=kind, payload=payload)
    return position


@pytest.mark.django_db(transaction=True)
def test_the_race_catches_positions_taken_from_a_sequence() -> None:
    """A control for the test above: the same race, with positions from a
    sequence, is seen out of order. (PostgreSQL only: SQLite lets one writer
    in at a time, so no design can commit out of order there.)"""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; only PostgreSQL can reorder commits")
    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE test_event_position")
    try:
        Stream.objects.create(key="space.1")
        with mock.patch.object(events, "append", _append_with_a_sequence):
            race = _race_writers_against_a_reader("space.1")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE test_event_position")
    assert race.out_of_order


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_create_a_new_stream_once() -> None:
    """The first append of a stream creates its row; writers racing to create
    it must end up sharing one row and one sequence of positions."""
    barrier = threading.Barrier(WRITERS)

    def write(index: int) -> None:
        barrier.wait(timeout=30)
        _retry_when_locked(
            lambda: events.append("space.9", "thread.locked", {"thread_id": index, "locked": True})
        )

    with mock.patch.object(events, "publish"):
        failures = _in_threads(WRITERS, write)
    assert not failures, failures
    assert Stream.objects.filter(key="space.9").count() == 1
    assert sorted(
        Event.objects.filter(stream__key="space.9").values_list("position", flat=True)
    ) == list(range(1, WRITERS + 1))


# --- idempotent posting ------------------------------------------------------------------


EDITORS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_leave_only_the_last_version_in_the_log(
    group_space: Space, thread: Thread, participant: User
) -> None:
    """Edits of one message are serialised (by the message row, and the
    stream row ``withdraw`` locks): otherwise an edit on PostgreSQL
    tombstones only what had committed when it began, and a version another
    edit replaced stays replayable. (With both locks taken out, this fails.)"""
    with mock.patch.object(events, "publish"):
        message, _created = actions.do_post_message(
            space=group_space, author=participant, body="First", client_id=uuid.uuid4(),
            thread=thread,
        )  # fmt: skip
    start = threading.Barrier(EDITORS)

    def edit(index: int) -> None:
        start.wait()

        def work() -> None:
            with transaction.atomic():
                mine = Message.objects.select_related("space", "author").get(pk=message.pk)
                actions.do_edit_message(message=mine, editor=participant, body=f"Version {index}")

        _retry_when_locked(work)

    # Patched once around the threads: patching in each thread races, and a
    # late restore can leave the mock in place for every later test.
    with mock.patch.object(events, "publish"):
        assert _in_threads(EDITORS, edit) == []
    carrying = list(Event.objects.filter(subject=f"message.{message.pk}", payload__has_key="html"))
    assert len(carrying) == 1, [e.payload for e in carrying]
    message.refresh_from_db()
    assert message.body in carrying[0].payload["html"]


@pytest.mark.django_db
def test_a_retried_post_is_stored_once_with_one_event(
    group_space: Space, thread: Thread, participant: User
) -> None:
    client_id = uuid.uuid4()
    first, created = actions.do_post_message(
        space=group_space, author=participant, body="Hello", client_id=client_id, thread=thread
    )
    again, created_again = actions.do_post_message(
        space=group_space, author=participant, body="Hello", client_id=client_id, thread=thread
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Message.objects.filter(author=participant, client_id=client_id).count() == 1
    assert Event.objects.filter(stream__key=group_space.stream_key, kind="message.new").count() == 1


@pytest.mark.django_db
def test_the_same_client_id_from_another_person_is_another_message(
    group_space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    client_id = uuid.uuid4()
    for author in (participant, groupmate):
        actions.do_post_message(
            space=group_space, author=author, body="Hi", client_id=client_id, thread=thread
        )
    assert Message.objects.filter(client_id=client_id).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_racing_posts_with_one_client_id_store_one_message(
    group_space: Space, thread: Thread, participant: User
) -> None:
    """Two tabs (or a retry and the original) send the same post at once: both
    pass the "already stored?" check before either inserts."""
    client_id = uuid.uuid4()
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool]] = []
    check_body = actions._check_body

    def meet_then_check(body: str) -> str:
        barrier.wait(timeout=30)  # both have passed the lookup of the client id
        return check_body(body)

    def post(_index: int) -> None:
        message, created = _retry_when_locked(
            lambda: actions.do_post_message(
                space=group_space,
                author=participant,
                body="Only once",
                client_id=client_id,
                thread=thread,
            )
        )
        results.append((message.pk, created))

    with (
        mock.patch.object(actions, "_check_body", meet_then_check),
        mock.patch.object(events, "publish"),
    ):
        failures = _in_threads(2, post)
    assert not failures, failures
    assert sorted(created for _pk, created in results) == [False, True]
    assert len({pk for pk, _created in results}) == 1
    assert Message.objects.filter(author=participant, client_id=client_id).count() == 1
    assert Event.objects.filter(stream__key=group_space.stream_key, kind="message.new").count() == 1


# --- what payloads may carry ----------------------------------------------------------------


@pytest.mark.django_db
def test_append_refuses_a_key_outside_the_allow_list_and_writes_nothing() -> None:
    with pytest.raises(events.PayloadNotAllowed):
        events.append(
            "space.1",
            "message.removed",
            {"message_id": 1, "thread_id": 1, "email": "participant@example.org"},
        )
    assert not Event.objects.exists()
    assert events.last_position("space.1") == 0


@pytest.mark.django_db
def test_an_author_carries_only_name_alias_and_badge() -> None:
    with pytest.raises(events.PayloadNotAllowed):
        events.append(
            "space.1",
            "message.new",
            {"message_id": 1, "author": {"name": "Sam", "alias": False, "id": 7}},
        )
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_append_refuses_an_unknown_kind() -> None:
    with pytest.raises(events.PayloadNotAllowed):
        events.append("space.1", "message.scored", {"message_id": 1})
    assert not Event.objects.exists()


def _private_words(*people: User) -> list[str]:
    words = [p.email for p in people]
    words += [p.legal_name for p in people if p.legal_name]
    return words


@pytest.mark.django_db
def test_every_event_of_the_space_actions_carries_only_allowed_keys_and_nothing_private(
    group_space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    actions.do_create_thread(space=group_space, author=groupmate, title="Weekend plans")
    message, _created = actions.do_post_message(
        space=group_space,
        author=participant,
        body="Thanks @Lucia for the call",
        client_id=uuid.uuid4(),
        thread=thread,
    )
    actions.do_edit_message(message=message, editor=participant, body="Thanks @Lucia, truly")
    actions.do_toggle_reaction(message=message, user=groupmate, kind="heart")
    actions.do_toggle_reaction(message=message, user=groupmate, kind="heart")
    actions.do_delete_message(message=message, by=participant)

    stored = list(Event.objects.select_related("stream").order_by("pk"))
    assert [e.kind for e in stored] == [
        "thread.new",
        "message.new",
        "mention.new",
        "message.edited",
        "reaction.changed",
        "reaction.changed",
        "message.removed",
    ]
    mention = stored[2]
    assert mention.stream.key == f"user.{groupmate.pk}"
    assert mention.payload == {"space_id": group_space.pk, "message_id": message.pk}
    for event in stored:
        assert set(event.payload) <= events.allowed_keys(event.kind), event.kind
        text = json.dumps(event.payload)
        for word in _private_words(participant, groupmate):
            assert word not in text, (event.kind, word)


@pytest.mark.django_db
def test_an_alias_post_event_shows_the_alias_and_never_the_name(
    group_space: Space, thread: Thread, participant: User
) -> None:
    assert group_space.allow_alias
    message, _created = actions.do_post_message(
        space=group_space,
        author=participant,
        body="Something hard to say",
        client_id=uuid.uuid4(),
        thread=thread,
        as_alias=True,
    )
    event = Event.objects.get(kind="message.new")
    assert event.payload["author"] == {
        "name": actions.alias_for(group_space, participant.pk),
        "alias": True,
        "peer_mentor": False,
    }
    assert event.payload["message_id"] == message.pk
    assert "author_id" not in event.payload  # an id would link the alias to a person
    text = json.dumps(event.payload)
    for word in [participant.display_name, *_private_words(participant)]:
        assert word not in text, word


@pytest.mark.django_db
def test_a_named_post_event_shows_the_display_name_only(
    group_space: Space, thread: Thread, participant: User
) -> None:
    actions.do_post_message(
        space=group_space, author=participant, body="Hi all", client_id=uuid.uuid4(), thread=thread
    )
    event = Event.objects.get(kind="message.new")
    assert event.payload["author"] == {"name": "Sam", "alias": False, "peer_mentor": False}
    assert "Samuel" not in json.dumps(event.payload)


# --- an unreachable channel layer -----------------------------------------------------------


class _BrokenLayer:
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        raise ConnectionError("Redis is down")


@pytest.mark.django_db
def test_posting_works_when_the_channel_layer_is_down(
    group_space: Space,
    thread: Thread,
    participant: User,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        mock.patch.object(events, "get_channel_layer", return_value=_BrokenLayer()),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        message, created = actions.do_post_message(
            space=group_space,
            author=participant,
            body="Still here",
            client_id=uuid.uuid4(),
            thread=thread,
        )
    assert created
    assert callbacks, "the publish hook did not run"
    assert Message.objects.filter(pk=message.pk).exists()
    [event] = events.since(group_space.stream_key, 0)
    assert event.payload["message_id"] == message.pk
    assert "could not publish event" in caplog.text
    assert "Still here" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_posting_works_when_redis_refuses_connections(
    settings: Any, group_space: Space, thread: Thread, participant: User
) -> None:
    """The real Redis layer, pointed at a port nobody listens on."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1"]},
        }
    }
    started = time.monotonic()
    message, created = actions.do_post_message(
        space=group_space,
        author=participant,
        body="Still here",
        client_id=uuid.uuid4(),
        thread=thread,
    )
    assert created
    assert time.monotonic() - started < 5
    assert [e.payload["message_id"] for e in events.since(group_space.stream_key, 0)] == [
        message.pk
    ]
