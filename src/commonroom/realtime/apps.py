from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "commonroom.realtime"
    label = "realtime"
    verbose_name = "Real time"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from commonroom.realtime.actions import on_user_logged_out

        # Logout happens in Django and allauth code; this is the only hook it offers.
        user_logged_out.connect(on_user_logged_out, dispatch_uid="commonroom-close-sockets")
