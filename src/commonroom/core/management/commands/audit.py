"""``commonroom audit verify|seal``: the audit log's keyed chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonroom.core.audit import seal, verify
from commonroom.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Audit log tools. 'seal' chains the entries written since the last run; "
        "'verify' seals, then exits non-zero naming the first broken entry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal"])
        parser.add_argument(
            "--full",
            action="store_true",
            help="seal: look at every entry, not only recent ones (verify always does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            sealed = seal(full=options["full"])
            self.stdout.write(f"Audit log sealed: {sealed} new entries chained.")
            return
        broken = verify()
        if broken is not None:
            raise CommandError(f"Audit log broken at entry {broken.seq}: {broken.reason}.")
        count = AuditEntry.objects.count()
        self.stdout.write(f"Audit log intact: {count} entries verified.")
