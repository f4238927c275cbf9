from __future__ import annotations

from django.apps import AppConfig


class GatheringsConfig(AppConfig):
    name = "commonroom.gatherings"
    label = "gatherings"
    verbose_name = "Community gatherings"
