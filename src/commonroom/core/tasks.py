"""Enqueueing durable jobs so they commit or roll back with the change."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import Task, task


def enqueue_with_change(task: Task[..., Any], *args: Any) -> None:
    """With the database backend the job row is written inside the caller's
    transaction, so it exists exactly when the change does and survives a
    crash after commit. Backends outside the database (immediate in tests,
    Redis) are enqueued once the change has committed. Jobs take ids only."""
    if settings.TASK_BACKEND_NAME == "database":
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


@task()
def seal_audit_log() -> int:
    """Chains the audit entries written since the last run. Claimed by the
    chain head's row lock, so overlapping runs seal each entry once."""
    from django.core.cache import cache

    from commonroom.core.audit import SEAL_QUEUED_KEY, seal

    with contextlib.suppress(Exception):  # sealing does not depend on the cache
        cache.delete(SEAL_QUEUED_KEY)
    return seal()
