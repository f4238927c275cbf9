from __future__ import annotations

from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "commonroom.peers.alumni"
    label = "alumni"
    verbose_name = "Alumni network"
