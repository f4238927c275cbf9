"""Many audited writers at once on PostgreSQL: none waits on another for the
audit log, none deadlocks with the event streams, and the chain verifies."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from commonroom.accounts.models import User
from commonroom.core.audit import AuditAction, record, verify
from commonroom.core.models import AuditEntry, AuditSeal
from commonroom.spaces import events

pytestmark = pytest.mark.django_db(transaction=True)

PAIRS = 4
ROUNDS = 10


def _append(stream: str, n: int) -> None:
    events.append(stream, "message.removed", {"message_id": n, "thread_id": n})


def test_writers_locking_streams_in_both_orders_never_deadlock(participant: User) -> None:
    """Each pair shares a stream: one writer locks the stream and then audits
    (as check-ins do), the other audits and then locks the stream (as
    moderation does), and both hold their first lock until the other has
    taken its own. With one audit lock this is a deadlock every round."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; row-lock order needs PostgreSQL")
    errors: list[BaseException] = []

    def writer(stream: str, stream_first: bool, halfway: threading.Barrier) -> None:
        try:
            for n in range(ROUNDS):
                with transaction.atomic():
                    if stream_first:
                        _append(stream, n)
                    else:
                        record(actor=participant, action=AuditAction.CHECKIN_CREATE)
                    # A guard against hanging, not a timing assertion: the
                    # barrier only lines the two first locks up.
                    halfway.wait(timeout=60)
                    if stream_first:
                        record(actor=participant, action=AuditAction.SPACE_MESSAGE_HIDE)
                    else:
                        _append(stream, n)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
            halfway.abort()
        finally:
            connections.close_all()

    threads = []
    for pair in range(PAIRS):
        halfway = threading.Barrier(2)
        stream = f"audit-race.{pair}"
        for stream_first in (True, False):
            threads.append(threading.Thread(target=writer, args=(stream, stream_first, halfway)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert AuditEntry.objects.count() == PAIRS * 2 * ROUNDS
    assert verify() is None
    assert AuditSeal.objects.count() == PAIRS * 2 * ROUNDS
