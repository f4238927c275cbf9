from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "commonroom.meetings"
    label = "meetings"
    verbose_name = "Live group sessions"
