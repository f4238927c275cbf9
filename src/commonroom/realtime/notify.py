"""Live hints to people's open pages.

The channel layer is at-most-once; a page that misses a hint still shows the
truth on its next poll or load. The peer-spaces issue adds the durable,
resumable event log; these hints carry ids and display names only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commonroom.realtime.actions import _send, user_group


def notify_users(user_ids: Iterable[int], kind: str, payload: dict[str, Any]) -> None:
    for user_id in sorted(set(user_ids)):
        _send(user_group(user_id), {"type": "hint", "kind": kind, "payload": payload})
