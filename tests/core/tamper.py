"""What an attacker with database rights does: drop the append-only guard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def audit_guard_lifted() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only"
                )
            else:
                cursor.execute(
                    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON "
                    "core_auditentry BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); "
                    "END;"
                )
