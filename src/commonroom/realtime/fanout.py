"""Live events reach a process once and its sockets from there.

Each server process has one ``Hub`` (per event loop). A socket that subscribes
to a stream registers with the hub; the hub, not the socket, joins the
stream's channel-layer group, once per process. When an event arrives the hub

- asks the database once who may read the stream now (``readers``): a removal
  whose close message was lost, a phase change, a deactivation by a bulk
  update all stop delivery at the next event, exactly as strict as asking per
  socket, but one call per event per process instead of one per socket;
- encodes the event's JSON once;
- offers it to each local socket, which keeps its own guarantees: nothing at
  or below its last position (no duplicates), a gap refilled from the event log
  in order, a person no longer among the readers unsubscribed;
- writes the shared frame to the sockets that are in order, all at once: each
  send runs eagerly, so one that needs no wait costs no task switch or timer,
  and one timer bounds the event's slow sends.

Before, every socket joined the group itself, so the channel layer queued one
message per socket per event and woke one consumer task each: a 2,000-member
space cost 2,000 decodes and dispatches per event. Events of one stream are
delivered in order; different streams do not wait for each other. A socket
that cannot take a frame within ``SEND_TIMEOUT`` is closed, so it cannot hold
up its stream; its client reconnects and resumes from its last positions.

Hints addressed to people (realtime/notify.py) arrive as one message for
all their recipients on the ``events.people`` group, which the hub joins
once; it hands each to the open sockets of its person.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Any, Protocol

from channels.db import database_sync_to_async

log = logging.getLogger(__name__)

SEND_TIMEOUT = 5.0  # seconds a socket may take to accept one frame


def parse_stream(key: str) -> tuple[str, int] | None:
    """``("space", 3)`` for ``"space.3"``; None for anything outside the
    policy (which nobody may read)."""
    kind, _dot, raw_id = key.partition(".")
    # isdigit() alone accepts "²" and 5,000-digit strings, on which int() raises.
    if kind not in {"user", "space"}:
        return None
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 18:
        return None
    return kind, int(raw_id)


def readers(key: str) -> frozenset[int]:
    """The ids of everyone who may read this stream now: the same rule as
    ``consumers.may_read`` (is_active, then ``user.<id>`` for its owner and
    ``space.<id>`` by spaces/access.py ``can_read``, the agreement gate
    included: ``reader_ids``), for everyone at once in a
    fixed number of queries (tests/spaces/test_access_equivalence.py checks
    that the two agree)."""
    from django.db.models import Q

    from commonroom.accounts.models import User
    from commonroom.spaces import access
    from commonroom.spaces.models import Space

    parsed = parse_stream(key)
    if parsed is None:
        return frozenset()
    kind, ident = parsed
    # Read at every event: a deactivation by a bulk update sends no signal.
    active = User.objects.filter(is_active=True)
    if kind == "user":
        return frozenset(active.filter(pk=ident).values_list("pk", flat=True))
    space = Space.objects.filter(pk=ident).first()
    if space is None:
        return frozenset()
    members = access.reader_ids(space)
    # Superusers see every space (as in can_see).
    return frozenset(
        active.filter(_among(members) | Q(is_superuser=True)).values_list("pk", flat=True)
    )


def _among(ids: set[int]) -> Any:
    """``pk IN ids``. On PostgreSQL the ids travel as one array parameter: a
    2,000-member space is one value to bind and parse, not 2,000."""
    from django.db import connection
    from django.db.models import Q
    from django.db.models.expressions import RawSQL

    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (sorted(ids),)))
    return Q(pk__in=ids)


class Follower(Protocol):
    """What the hub needs of a socket (realtime/consumers.py EventConsumer)."""

    def offer(
        self, event: dict[str, Any], message: dict[str, str], allowed: frozenset[int]
    ) -> Coroutine[Any, Any, None] | None: ...

    async def close_slow(self) -> None: ...


class PersonSocket(Protocol):
    """What the hub needs of a socket to hand it hints for its person."""

    async def send_json(self, content: Any, close: bool = False) -> None: ...


class Hub:
    """The live events of one event loop (one per server process)."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.followers: dict[str, set[Follower]] = {}
        self.channel: str | None = None
        self.receiver: asyncio.Task[None] | None = None
        self.tails: dict[str, asyncio.Task[None]] = {}
        # Every open socket by its person, for hints addressed to people
        # (events.append_for_people): one group for the whole process.
        self.people: dict[int, set[PersonSocket]] = {}
        self._joined_people = False
        self._started = asyncio.Lock()

    async def _channel(self) -> str:
        async with self._started:
            if self.channel is None:
                self.channel = await self.layer.new_channel("hub.")
                self.receiver = asyncio.ensure_future(self._receive())
            return self.channel

    async def follow(self, key: str, follower: Follower) -> None:
        """Registers a socket for a stream; the first one of this process
        joins the stream's group. Returns once the group is joined, so an
        event stored after this returns reaches the socket live or through
        its backlog."""
        from commonroom.realtime.events import group_name

        channel = await self._channel()
        group = self.followers.setdefault(key, set())
        first = not group
        group.add(follower)
        if first:
            await self.layer.group_add(group_name(key), channel)

    async def add_person(self, user_id: int, socket: PersonSocket) -> None:
        """Registers an open socket for hints to its person; the first one of
        this process joins the people group (and stays in it)."""
        from commonroom.realtime.events import PEOPLE_GROUP

        channel = await self._channel()
        self.people.setdefault(user_id, set()).add(socket)
        if not self._joined_people:
            self._joined_people = True
            await self.layer.group_add(PEOPLE_GROUP, channel)

    def remove_person(self, user_id: int, socket: PersonSocket) -> None:
        sockets = self.people.get(user_id)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del self.people[user_id]

    async def unfollow(self, key: str, follower: Follower) -> None:
        """The last socket of this process to leave a stream leaves its group."""
        from commonroom.realtime.events import group_name

        group = self.followers.get(key)
        if group is None or follower not in group:
            return
        group.discard(follower)
        if not group:
            del self.followers[key]
            if self.channel is not None:
                await self.layer.group_discard(group_name(key), self.channel)

    async def _receive(self) -> None:
        assert self.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # a layer hiccup must not end live delivery
                log.warning("live events: the channel layer failed to deliver", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            if message.get("type") == "people.events":
                self._people_events(message.get("events"))
                continue
            event = message.get("event") if message.get("type") == "stream.event" else None
            if not isinstance(event, dict) or event.get("stream") not in self.followers:
                continue
            self._schedule(event)

    def _people_events(self, batch: Any) -> None:
        """Hints for people, one message for all of them: each goes to the
        open sockets of its person here as ``{"type": kind, "payload"}``, and
        like any event to the sockets following that person's stream."""
        if not isinstance(batch, list):
            return
        hints: list[tuple[int, dict[str, Any]]] = []
        for event in batch:
            if not isinstance(event, dict):
                continue
            if event.get("stream") in self.followers:
                self._schedule(event)
            parsed = parse_stream(str(event.get("stream")))
            if parsed is not None and parsed[0] == "user" and parsed[1] in self.people:
                hints.append((parsed[1], {"type": event["kind"], "payload": event["payload"]}))
        if hints:
            task = asyncio.ensure_future(self._send_hints(hints))
            task.add_done_callback(_settled)

    async def _send_hints(self, hints: list[tuple[int, dict[str, Any]]]) -> None:
        # Read at every hint, as for events: a deactivation by a bulk update
        # sends no signal.
        active = await database_sync_to_async(_active)({user_id for user_id, _hint in hints})
        sends = [
            socket.send_json(hint)
            for user_id, hint in hints
            if user_id in active
            for socket in list(self.people.get(user_id, ()))
        ]
        if sends:
            results = await asyncio.wait_for(
                asyncio.gather(*sends, return_exceptions=True), SEND_TIMEOUT
            )
            for result in results:
                if isinstance(result, Exception):
                    log.debug("live events: a hint could not be sent", exc_info=result)

    def _schedule(self, event: dict[str, Any]) -> None:
        """Events of one stream in order; streams independently."""
        key = event["stream"]
        task = asyncio.ensure_future(self.deliver(event, after=self.tails.get(key)))
        self.tails[key] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self.tails.get(key) is done:
                del self.tails[key]
            if not done.cancelled() and done.exception() is not None:
                log.warning("live events: delivery failed", exc_info=done.exception())

        task.add_done_callback(forget)

    async def deliver(self, event: dict[str, Any], *, after: asyncio.Task[None] | None) -> None:
        key = event["stream"]
        # The check may run while the previous event is still being sent.
        allowed = await database_sync_to_async(readers)(key)
        if after is not None:
            await asyncio.wait([after])
        followers = self.followers.get(key)
        if not followers:
            return
        # One ASGI message for every socket: the server only reads it.
        message = {"type": "websocket.send", "text": json.dumps(event)}
        loop = asyncio.get_running_loop()
        waiting: dict[asyncio.Task[None], Follower] = {}
        for follower in list(followers):
            sending = follower.offer(event, message, allowed)
            if sending is None:
                continue
            # Run eagerly: a send that needs no wait (nearly all) finishes
            # here, with no task scheduled and no timer armed for it.
            task = asyncio.eager_task_factory(loop, sending)
            if task.done():
                _settled(task)
            else:
                waiting[task] = follower
        if waiting:
            # One timer for the event, not one per socket.
            _done, late = await asyncio.wait(waiting, timeout=SEND_TIMEOUT)
            for task in waiting:
                if task in late:
                    task.cancel()
                    await waiting[task].close_slow()
                else:
                    _settled(task)


def _active(user_ids: set[int]) -> set[int]:
    from commonroom.accounts.models import User

    return set(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))


def _settled(task: asyncio.Task[None]) -> None:
    """A send that failed: the socket went away mid-send, and its
    disconnect cleans up."""
    if not task.cancelled() and task.exception() is not None:
        log.debug("live events: a send failed", exc_info=task.exception())


_hubs: dict[tuple[asyncio.AbstractEventLoop, int], Hub] = {}


def hub(layer: Any) -> Hub:
    """The running loop's hub for this layer. A server process has one loop;
    a new loop (a test's) starts afresh, since tasks belong to their loop."""
    loop = asyncio.get_running_loop()
    for known in [k for k in _hubs if k[0] is not loop and k[0].is_closed()]:
        del _hubs[known]
    found = _hubs.get((loop, id(layer)))
    if found is None or found.layer is not layer:
        found = _hubs[(loop, id(layer))] = Hub(layer)
    return found
