"""What an attacker with database rights does: drop the append-only guards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

TABLES = ("core_auditentry", "core_auditseal")


@contextmanager
def audit_guard_lifted() -> Iterator[None]:
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in TABLES:
                if connection.vendor == "postgresql":
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
                else:
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON "
                        f"{table} BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); "
                        "END;"
                    )
