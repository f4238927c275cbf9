from __future__ import annotations

from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "commonroom.safety"
    label = "safety"
    verbose_name = "Safety"
