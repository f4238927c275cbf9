from __future__ import annotations

from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "commonroom.peers.alumni"
    label = "alumni"
    verbose_name = "Alumni network"

    def ready(self) -> None:
        from commonroom.peers.alumni.access import register_alumni_spaces

        register_alumni_spaces()
