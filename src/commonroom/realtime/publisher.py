"""Sending to the channel layer from sync code without a connection per send.

``async_to_sync(layer.group_send)`` called from plain sync code (a task worker,
a management command, a WSGI request) runs each send on a fresh event loop,
and a Redis layer keeps its connections per loop: every send opened a
connection (``HELLO``, ``SELECT``) for one ``PUBLISH``. Here each process runs
one long-lived loop on a daemon thread that owns the layer's connection, and
sync callers hand it their sends: one ``PUBLISH`` per group message, whatever
the number of recipients.

The in-memory layer (development and the SQLite tests) keeps its queues on the
caller's loop, so it is still reached through ``async_to_sync``, which runs on
the loop of the surrounding async code when there is one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer

# A send that Redis has not answered by then is given up (the caller logs it):
# the event log is the truth, and a post must not hang on an unreachable layer.
SEND_TIMEOUT = 2.0

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_pid = 0
_thread: threading.Thread | None = None


def _background_loop() -> asyncio.AbstractEventLoop:
    """This process's sending loop, started on first use (and again in a
    forked child, where the parent's thread does not exist)."""
    global _loop, _loop_pid, _thread
    with _lock:
        if _loop is None or _loop_pid != os.getpid() or _thread is None or not _thread.is_alive():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=loop.run_forever, name="commonroom-channel-layer", daemon=True
            )
            thread.start()
            _loop, _loop_pid, _thread = loop, os.getpid(), thread
        return _loop


def group_send(layer: Any, group: str, message: dict[str, Any]) -> None:
    """Sends ``message`` to ``group`` and waits until the layer has it.
    Raises what the layer raised, or TimeoutError after ``SEND_TIMEOUT``."""
    if isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group, message)
        return
    future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _background_loop())
    try:
        future.result(timeout=SEND_TIMEOUT)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise TimeoutError(
            f"the channel layer did not take a message in {SEND_TIMEOUT} s"
        ) from None
