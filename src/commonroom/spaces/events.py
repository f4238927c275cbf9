"""The peer spaces' event kinds, registered with the event log
(realtime/events.py) when the app is ready.

Message bodies travel as sanitised HTML and only in events of the space they
were posted in; authors as display name or alias, never both for peers
(staff read the real author from the page). A message's text and a shared
check-in's answers can be taken back (edit, delete, hide), so they are
withdrawable: the log strips them from earlier events when that happens.

The log itself used to live here; ``append``, ``since`` and ``last_position``
are re-exported for callers written before it moved.
"""

from __future__ import annotations

from commonroom.realtime import events as log
from commonroom.realtime.events import (
    BACKLOG_BATCH as BACKLOG_BATCH,
)
from commonroom.realtime.events import (
    PayloadNotAllowed as PayloadNotAllowed,
)
from commonroom.realtime.events import (
    StoredEvent as StoredEvent,
)
from commonroom.realtime.events import (
    append as append,
)
from commonroom.realtime.events import (
    last_position as last_position,
)
from commonroom.realtime.events import (
    since as since,
)

# A check-in shared with the group carries its answers in structured form too,
# exactly what the group sees in the post: never the person's id, streak,
# audience or anything staff-only.
CHECKIN_KEYS = frozenset({"mood", "craving", "sleep_hours", "grateful_for", "note"})
# The author of a message: the shown name (display name, or alias), whether it
# is an alias, and whether the name carries the peer-mentor badge.
AUTHOR_KEYS = frozenset({"name", "alias", "peer_mentor"})


def message_subject(message_id: int) -> str:
    """What the events carrying a message's content are about."""
    return f"message.{message_id}"


def register() -> None:
    log.register(
        "message.new",
        keys={"message_id", "thread_id", "parent_id", "author", "html", "created_at", "checkin"},
        nested={"checkin": CHECKIN_KEYS, "author": AUTHOR_KEYS},
        withdrawable={"html", "checkin"},
    )
    log.register(
        "message.edited",
        keys={"message_id", "thread_id", "html", "edited_at"},
        withdrawable={"html"},
    )
    log.register("message.removed", keys={"message_id", "thread_id"})
    log.register("reaction.changed", keys={"message_id", "counts"})
    log.register("thread.new", keys={"thread_id", "title"})
    log.register("thread.locked", keys={"thread_id", "locked"})
    log.register("mention.new", keys={"space_id", "message_id"})
    log.register("report.handled", keys={"report_id"})
