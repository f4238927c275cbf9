from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from commonroom.peers.buddies.tasks import enqueue_rhythm_checks


class Command(BaseCommand):
    help = (
        "Queue the check of each buddy's latest check-in window (run hourly: each "
        "person's day ends at midnight in their own time zone)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = enqueue_rhythm_checks()
        self.stdout.write(f"queued {queued} buddy rhythm check(s)")
