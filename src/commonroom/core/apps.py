from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commonroom.core"
    label = "core"
    verbose_name = "Commonroom core"
