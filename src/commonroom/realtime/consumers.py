"""The websocket at /ws/.

The foundation authenticates and authorises the socket; the peer-spaces issue
adds the event streams and resume. Channels checks a socket only when it
connects, so every later rule that ends access must also close the socket: the
``user.<id>`` group exists so that logout and removal can reach open sockets.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from commonroom.accounts import mfa
from commonroom.accounts.middleware import LAST_SEEN_KEY
from commonroom.core import access as core_access
from commonroom.realtime import events, fanout
from commonroom.realtime.actions import session_group, user_group

# Close codes in the application range (4000-4999), documented in docs/realtime.md.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_MFA_REQUIRED = 4403
CLOSE_TOO_SLOW = 4408  # the client resumes from its last positions
MAX_STREAMS = 200  # streams one socket may follow


@database_sync_to_async
def may_read(user_id: int, key: str) -> bool:
    """The access policy for a stream, asked once per subscribe:
    ``user.<id>`` is its owner's only; ``space.<id>`` follows
    spaces/access.py ``can_read``, the rule pages and the API apply, the
    agreement gate included. Live deliveries ask the same of
    ``fanout.readers``."""
    from commonroom.accounts.models import User
    from commonroom.spaces import access

    parsed = fanout.parse_stream(key)
    if parsed is None:
        return False
    kind, ident = parsed
    # A deactivation made by a bulk update sends no signal to close the
    # socket, so is_active is read here (and at every delivery, fanout.py).
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if kind == "user":
        return ident == user_id
    return access.can_read(user, ident)


@database_sync_to_async
def idle_deadline(session_key: str, user_id: int, idle_seconds: int, since: float) -> float | None:
    """When this session logs off for inactivity (as the idle log-off
    middleware would on its next request), or None once it has ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()
    if data.get("_auth_user_id") != str(user_id):
        return None
    last_seen = data.get(LAST_SEEN_KEY)
    return float(last_seen if last_seen is not None else since) + idle_seconds


class EventConsumer(AsyncJsonWebsocketConsumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.positions: dict[str, int] = {}  # stream -> last position sent
        self.groups_joined: list[str] = []
        self.idle_watch: asyncio.Task[None] | None = None
        # Held while this socket sends a backlog, so a live event that arrives
        # meanwhile waits for it instead of racing it.
        self._sending = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()  # kept referenced until done

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        session = self.scope.get("session") or {}
        if not await sync_to_async(mfa.mfa_satisfied)(user, session):
            await self.close(code=CLOSE_MFA_REQUIRED)
            return
        self.user_id = user.pk
        self.groups_joined = [user_group(user.pk)]
        session_key = getattr(session, "session_key", None)
        if session_key:
            self.connected_at = time.time()
            staff = await sync_to_async(core_access.is_staff_member)(user)
            minutes = settings.IDLE_MINUTES_STAFF if staff else settings.IDLE_MINUTES_PARTICIPANT
            deadline = await idle_deadline(session_key, user.pk, minutes * 60, self.connected_at)
            if deadline is None or deadline <= time.time():
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            self.groups_joined.append(session_group(session_key))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.pk})
        await fanout.hub(self.channel_layer).add_person(user.pk, self)
        if session_key:
            self.idle_watch = asyncio.create_task(
                self.watch_idle(session_key, minutes * 60, deadline)
            )

    async def watch_idle(self, session_key: str, idle_seconds: int, deadline: float) -> None:
        """A socket is not activity (like a passive poll), so an unattended
        page must not keep receiving: once the session has seen no request
        for the idle limit, or has ended, the socket closes. One session
        read per idle period, not per event."""
        while True:
            await asyncio.sleep(deadline - time.time() + 1)
            next_deadline = await idle_deadline(
                session_key, self.user_id, idle_seconds, self.connected_at
            )
            if next_deadline is None or next_deadline <= time.time():
                await self.close(code=CLOSE_UNAUTHENTICATED)
                return
            deadline = next_deadline

    async def disconnect(self, code: int) -> None:
        if self.idle_watch is not None:
            self.idle_watch.cancel()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        hub = fanout.hub(self.channel_layer)
        if hasattr(self, "user_id"):
            hub.remove_person(self.user_id, self)
        for key in list(self.positions):
            await hub.unfollow(key, self)
        self.positions.clear()
        for task in list(self._tasks):
            task.cancel()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if kind == "subscribe" and isinstance(content.get("streams"), dict):
            await self.subscribe(content["streams"])
            return
        await self.send_json({"type": "error", "code": "unknown_message"})

    # --- event streams: subscribe with last positions, then live ------------------

    async def subscribe(self, wanted: dict[str, Any]) -> None:
        """``{"space.3": 41, "user.7": 0}``: for each stream the client may
        read, register with this process's hub first and then send the
        backlog after the given position, so nothing published in between is
        missed; live events at or below the last sent position are dropped as
        duplicates. A cursor the log cannot honour gets ``resync``."""
        hub = fanout.hub(self.channel_layer)
        for key, position in wanted.items():
            # bool is an int in Python: ``true`` must not pass for position 1.
            if (
                not isinstance(key, str)
                or not isinstance(position, int)
                or isinstance(position, bool)
                or position < 0
            ):
                await self.send_json({"type": "error", "code": "bad_stream", "stream": str(key)})
                continue
            if key not in self.positions and len(self.positions) >= MAX_STREAMS:
                await self.send_json({"type": "error", "code": "too_many_streams", "stream": key})
                continue
            if not await may_read(self.user_id, key):
                await self.send_json({"type": "error", "code": "not_found", "stream": key})
                continue
            try:
                await database_sync_to_async(events.check_cursor)(key, position)
            except events.Resync as resync:
                await self.resync(key, resync)
                continue
            async with self._sending:
                self.positions[key] = position
                await hub.follow(key, self)
                if await self.send_backlog(key):
                    await self.send_json(
                        {"type": "subscribed", "stream": key, "position": self.positions[key]}
                    )

    async def send_backlog(self, key: str) -> bool:
        """Sends what the log holds after this socket's position; False when
        the stream was left meanwhile or must be resynced."""
        while key in self.positions:
            try:
                batch = await database_sync_to_async(events.read_after)(key, self.positions[key])
            except events.Resync as resync:
                await self.leave(key)
                await self.resync(key, resync)
                return False
            for event in batch:
                if key not in self.positions:
                    return False  # unsubscribed meanwhile
                await self.send_json(event.as_json())
                self.positions[key] = event.position
            if len(batch) < events.BACKLOG_BATCH:
                return True
        return False

    async def resync(self, key: str, resync: events.Resync) -> None:
        """The client reloads the stream's state (the page, or the API's
        reads) and subscribes again from ``position``."""
        await self.send_json(
            {"type": "resync", "stream": key, "reason": resync.reason, "position": resync.head}
        )

    def offer(
        self, event: dict[str, Any], message: dict[str, str], allowed: frozenset[int]
    ) -> Coroutine[Any, Any, None] | None:
        """A live event from this process's hub (fanout.py), which checked
        access once for every socket. Returns the send of the shared ASGI
        message (what ``send_json`` would send, encoded once) for the hub to
        run with the others', or None when there is nothing to send now or
        the work was handed to a task."""
        key, position = event["stream"], event["position"]
        last = self.positions.get(key)
        if last is None or position <= last:
            return None  # not subscribed, or already sent from the backlog
        # Membership is checked again at delivery: a removal whose close
        # message was lost still stops delivery here.
        if self.user_id not in allowed:
            self._background(self.unsubscribe(key))
            return None
        if position > last + 1 or self._sending.locked():
            # A hint was lost, or a backlog is going out: refill in order.
            self._background(self.catch_up(key))
            return None
        self.positions[key] = position
        sending: Coroutine[Any, Any, None] = self.base_send(message)
        return sending

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def catch_up(self, key: str) -> None:
        """Fills the gap from the event log, in order, after any backlog
        already going out."""
        async with self._sending:
            await self.send_backlog(key)

    async def close_slow(self) -> None:
        """A socket that cannot keep up: closed, so it cannot hold up its
        stream for the others; the client reconnects and resumes."""
        await self.close(code=CLOSE_TOO_SLOW)

    async def leave(self, key: str) -> bool:
        if self.positions.pop(key, None) is None:
            return False
        await fanout.hub(self.channel_layer).unfollow(key, self)
        return True

    async def unsubscribe(self, key: str) -> None:
        if await self.leave(key):
            await self.send_json({"type": "unsubscribed", "stream": key})

    async def session_end(self, event: dict[str, Any]) -> None:
        """Sent to ``user.<id>`` on logout, deactivation or removal."""
        await self.close(code=CLOSE_UNAUTHENTICATED)
