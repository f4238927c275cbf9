from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from commonroom.gatherings.tasks import enqueue_due_reminders


class Command(BaseCommand):
    help = "Queue the day-before reminders of gatherings that are due (run hourly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            required=True,
            help="The public address of this Commonroom, for the link in the email.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = enqueue_due_reminders(now=timezone.now(), base_url=options["base_url"])
        self.stdout.write(f"queued {queued} reminder job(s)")
