from __future__ import annotations

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "commonroom.realtime"
    label = "realtime"
    verbose_name = "Real time"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_save, pre_save

        from commonroom.realtime.actions import (
            on_user_logged_out,
            on_user_post_save,
            on_user_pre_save,
        )

        # Logout happens in Django and allauth code; this is the only hook it offers.
        user_logged_out.connect(on_user_logged_out, dispatch_uid="commonroom-close-sockets")
        # Deactivation and password changes happen in allauth, the admin site
        # and management commands; saving the user is what they share.
        user = get_user_model()
        pre_save.connect(on_user_pre_save, sender=user, dispatch_uid="commonroom-access-ends")
        post_save.connect(on_user_post_save, sender=user, dispatch_uid="commonroom-access-ends")
