from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from commonroom.spaces.digest import enqueue_digests


class Command(BaseCommand):
    help = "Queue today's unread-message digest for everyone who opted in (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            required=True,
            help="The public address of this Commonroom, for the link in the email.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = enqueue_digests(now=timezone.now(), base_url=options["base_url"])
        self.stdout.write(f"queued {queued} digest job(s)")
