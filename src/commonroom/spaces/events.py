"""The durable event log behind live pages.

Every real-time event is stored before it is sent: ``append`` writes it in the
caller's transaction with the next position of its stream, and after commit a
hint carrying the event goes to the channel-layer group of the stream. The
channel layer is at-most-once, so a socket that sees a gap, or reconnects,
reads what it missed from here (``since``): nothing lost, nothing twice, in
order.

Why positions commit in order: ``append`` bumps ``Stream.last_position`` with an
UPDATE, which holds the stream row's lock until the writer commits. A second
writer of the same stream waits for that lock, so position n+1 can never be
visible before position n. (A database sequence would not do: its values are
handed out at once and can commit in any order.)

Payloads carry only what every recipient may see: each kind has an allow-list
of keys, and ``append`` refuses anything else, so an email, a legal name, a
score or a flag cannot slip into a payload by accident.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from commonroom.realtime import publisher
from commonroom.spaces.models import Event, Stream

log = logging.getLogger(__name__)

# Keys each event kind may carry. Message bodies travel as sanitised HTML and
# only in events of the space they were posted in; authors as display name or
# alias, never both for peers (staff read the real author from the page).
ALLOWED_KEYS: dict[str, frozenset[str]] = {
    "message.new": frozenset(
        {"message_id", "thread_id", "parent_id", "author", "html", "created_at", "checkin"}
    ),
    "message.edited": frozenset({"message_id", "thread_id", "html", "edited_at"}),
    "message.removed": frozenset({"message_id", "thread_id"}),
    "reaction.changed": frozenset({"message_id", "counts"}),
    "thread.new": frozenset({"thread_id", "title"}),
    "thread.locked": frozenset({"thread_id", "locked"}),
    "mention.new": frozenset({"space_id", "message_id"}),
    "report.handled": frozenset({"report_id"}),
    # Affinity requests: ids and a status only, never the group's name.
    "affinity.request": frozenset({"request_id"}),
    "affinity.decision": frozenset({"request_id", "status"}),
    # On the person's own ``user.<id>`` stream (peers/buddies): ids only.
    "buddy.paired": frozenset({"pair_id", "space_id"}),
    "buddy.ended": frozenset({"pair_id"}),
    "buddy.nudge": frozenset({"pair_id"}),
}


# A check-in shared with the group carries its answers in structured form too,
# exactly what the group sees in the post: never the person's id, streak,
# audience or anything staff-only.
CHECKIN_KEYS = frozenset({"mood", "craving", "sleep_hours", "grateful_for", "note"})
# The author of a message: the shown name (display name, or alias), whether it
# is an alias, and whether the name carries the peer-mentor badge.
AUTHOR_KEYS = frozenset({"name", "alias", "peer_mentor"})
NESTED_KEYS: dict[tuple[str, str], frozenset[str]] = {
    ("message.new", "checkin"): CHECKIN_KEYS,
    ("message.new", "author"): AUTHOR_KEYS,
}


class PayloadNotAllowed(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class StoredEvent:
    stream: str
    position: int
    kind: str
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "type": "event",
            "stream": self.stream,
            "position": self.position,
            "kind": self.kind,
            "payload": self.payload,
        }


def check_payload(kind: str, payload: dict[str, Any]) -> None:
    allowed = ALLOWED_KEYS.get(kind)
    if allowed is None:
        raise PayloadNotAllowed(f"unknown event kind {kind!r}")
    extra = set(payload) - allowed
    if extra:
        raise PayloadNotAllowed(f"{kind} may not carry {sorted(extra)}")
    for (nested_kind, key), keys in NESTED_KEYS.items():
        if nested_kind != kind or key not in payload:
            continue
        value = payload[key]
        if not isinstance(value, dict):
            raise PayloadNotAllowed(f"{kind}.{key} must be an object")
        extra = set(value) - keys
        if extra:
            raise PayloadNotAllowed(f"{kind}.{key} may not carry {sorted(extra)}")


def append(stream_key: str, kind: str, payload: dict[str, Any]) -> StoredEvent:
    """Stores the event at the stream's next position, inside the caller's
    transaction, and sends it to open sockets once that commits."""
    check_payload(kind, payload)
    with transaction.atomic():
        stream, _created = Stream.objects.get_or_create(key=stream_key)
        # The UPDATE takes the row lock; see the module docstring.
        Stream.objects.filter(pk=stream.pk).update(last_position=F("last_position") + 1)
        position = Stream.objects.values_list("last_position", flat=True).get(pk=stream.pk)
        Event.objects.create(stream=stream, position=position, kind=kind, payload=payload)
        event = StoredEvent(stream=stream_key, position=position, kind=kind, payload=payload)
        transaction.on_commit(lambda: publish(event))
    return event


def group_name(stream_key: str) -> str:
    return "events." + stream_key


def publish(event: StoredEvent) -> None:
    """One group_send per event, whatever the number of recipients: the
    channel layer fans out, and a lost hint is recovered from the log."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # From sync code: through one long-lived loop and connection per
        # process, so one PUBLISH per event (see realtime/publisher.py).
        publisher.group_send(
            layer, group_name(event.stream), {"type": "stream.event", "event": event.as_json()}
        )
    except Exception:  # the log is the truth; live delivery degrades to polling
        log.warning("could not publish event %s:%s", event.stream, event.position, exc_info=True)


BACKLOG_BATCH = 500


def since(stream_key: str, position: int, *, limit: int = BACKLOG_BATCH) -> list[StoredEvent]:
    """Events after ``position``, in order (at most ``limit``; the client asks
    again from the last one it got)."""
    rows = (
        Event.objects.filter(stream__key=stream_key, position__gt=position)
        .order_by("position")
        .values_list("position", "kind", "payload")[:limit]
    )
    return [StoredEvent(stream_key, pos, kind, payload) for pos, kind, payload in rows]


def last_position(stream_key: str) -> int:
    value = Stream.objects.filter(key=stream_key).values_list("last_position", flat=True).first()
    return int(value or 0)
