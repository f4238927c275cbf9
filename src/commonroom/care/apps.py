from __future__ import annotations

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "commonroom.care"
    label = "care"
    verbose_name = "Care structure"
