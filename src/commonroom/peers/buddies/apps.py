from __future__ import annotations

from django.apps import AppConfig


class BuddiesConfig(AppConfig):
    name = "commonroom.peers.buddies"
    label = "buddies"
    verbose_name = "Accountability buddies"

    def ready(self) -> None:
        # Who belongs to a pair's space, and where a check-in for "my buddy"
        # goes: both are derived from the current pairs kept here.
        from commonroom.peers.buddies import access
        from commonroom.realtime import events

        access.register()
        # On the person's own ``user.<id>`` stream: ids only.
        events.register("buddy.paired", keys={"pair_id", "space_id"})
        events.register("buddy.ended", keys={"pair_id"})
        events.register("buddy.nudge", keys={"pair_id"})
