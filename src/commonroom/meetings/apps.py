from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_library(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from commonroom.meetings.console import sync_starter_library

    sync_starter_library(using=using)


class MeetingsConfig(AppConfig):
    name = "commonroom.meetings"
    label = "meetings"
    verbose_name = "Live group sessions"

    def ready(self) -> None:
        from commonroom.realtime import events

        # Hints to open consoles and rooms (realtime/notify.py): ids, and the
        # display name of who needs help joining.
        events.register("console.changed", keys={"session"})
        events.register("tech.help", keys={"request", "session", "display_name"})
        events.register("breakouts.changed", keys={"session", "round"})
        events.register("breakouts.ask", keys={"session", "room"})
        # Every installation starts with the sharing-prompt library, the way
        # Django creates its permissions: after migrate, idempotently.
        post_migrate.connect(_sync_library, sender=self, dispatch_uid="meetings.sync_library")
