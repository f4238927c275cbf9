from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from commonroom.realtime.events import prune


class Command(BaseCommand):
    help = (
        "Delete real-time events older than COMMONROOM_REALTIME_RETENTION_DAYS "
        "(run daily; safe to run again or concurrently)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        before = timezone.now() - timedelta(days=settings.REALTIME_RETENTION_DAYS)
        deleted = prune(before=before)
        self.stdout.write(f"pruned {deleted} event(s)")
