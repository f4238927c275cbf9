"""Live hints to people's open pages.

They go through the event log like every live event (each app registers its
kinds there): stored on each person's own stream in the caller's
transaction, then one channel-layer message for every recipient after
commit. A page that misses one still shows the truth on its next poll or
load; these hints carry ids and display names only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commonroom.realtime import events


def notify_users(user_ids: Iterable[int], kind: str, payload: dict[str, Any]) -> None:
    events.append_for_people(user_ids, kind, payload)
