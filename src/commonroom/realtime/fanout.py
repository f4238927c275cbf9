"""One access check and one encoding per event per process, not per socket.

Every live event is checked again at delivery (a removal whose close message
was lost, a phase change, a deactivation by a bulk update must stop delivery at
the next event). Asking ``can_see`` for each socket made a 2,000-member space
cost 4,000 queries per message. Instead, the first socket of this process that
receives an event asks the database once who may read its stream now
(``readers``); every other socket of the process that receives the same event
waits for that answer and delivers iff its person is in it. The event's JSON
is encoded once too and sent as the same text frame to all of them.

The answer is keyed by (stream, position), so each new event asks again: a
change of membership takes effect at the next event, exactly as strict as
asking per socket. A few recent answers are kept (briefly) for sockets that
receive an event late.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async

RECENT = 256  # events whose answer and frame are kept for late sockets
KEEP_SECONDS = 5.0  # and for at most this long


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
    ``space.<id>`` by spaces/access.py ``can_see``), for everyone at once in a
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
    members = access.member_ids(space)
    # Superusers see every space (as in can_see).
    return frozenset(
        active.filter(Q(pk__in=members) | Q(is_superuser=True)).values_list("pk", flat=True)
    )


@dataclass
class _Entry:
    check: asyncio.Future[frozenset[int]]
    at: float
    frame: str | None = None


@dataclass
class Fanout:
    """The shared answers of one event loop (one per server process)."""

    recent: OrderedDict[tuple[str, int], _Entry] = field(default_factory=OrderedDict)

    def _entry(self, key: str, position: int) -> _Entry:
        now = time.monotonic()
        entry = self.recent.get((key, position))
        if entry is not None and now - entry.at <= KEEP_SECONDS:
            self.recent.move_to_end((key, position))
            return entry
        task = asyncio.ensure_future(database_sync_to_async(readers)(key))
        entry = _Entry(check=task, at=now)
        self.recent[(key, position)] = entry
        task.add_done_callback(lambda done: self._forget_failure(key, position, done))
        while len(self.recent) > RECENT:
            self.recent.popitem(last=False)
        return entry

    def _forget_failure(self, key: str, position: int, done: asyncio.Future[Any]) -> None:
        """A failed check is not kept: the next socket asks again."""
        if done.cancelled() or done.exception() is not None:
            entry = self.recent.get((key, position))
            if entry is not None and entry.check is done:
                del self.recent[(key, position)]

    async def may_read(self, user_id: int, key: str, position: int) -> bool:
        """Whether this person may receive the event at ``position``; one
        database call per event per process, shared by every socket."""
        entry = self._entry(key, position)
        # Shielded: a socket that disconnects while waiting must not cancel
        # the check the other sockets are waiting for.
        return user_id in await asyncio.shield(entry.check)

    def frame(self, event: dict[str, Any]) -> str:
        """The event as the text frame every socket sends (``send_json``'s
        encoding), encoded once."""
        entry = self.recent.get((event["stream"], event["position"]))
        if entry is None:  # already forgotten: encode for this socket alone
            return json.dumps(event)
        if entry.frame is None:
            entry.frame = json.dumps(event)
        return entry.frame


_current: tuple[asyncio.AbstractEventLoop, Fanout] | None = None


def shared() -> Fanout:
    """The running loop's coordinator. A server process has one loop; a new
    loop (a test's) starts afresh, since futures belong to their loop and a
    fresh database may reuse (stream, position) keys."""
    global _current
    loop = asyncio.get_running_loop()
    if _current is None or _current[0] is not loop:
        _current = (loop, Fanout())
    return _current[1]
