"""``commonroom audit verify``: check the audit log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonroom.core.audit import verify
from commonroom.core.models import AuditEntry


class Command(BaseCommand):
    help = "Audit log tools. 'verify' exits non-zero and names the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify()
        if broken is not None:
            raise CommandError(f"Audit log broken at entry {broken.seq}: {broken.reason}.")
        count = AuditEntry.objects.count()
        self.stdout.write(f"Audit log intact: {count} entries verified.")
