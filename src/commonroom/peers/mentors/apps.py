from __future__ import annotations

from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "commonroom.peers.mentors"
    label = "mentors"
    verbose_name = "Peer mentors"

    def ready(self) -> None:
        from commonroom.peers.mentors.access import (
            register_mentor_checkins,
            register_mentorship_scope,
        )

        register_mentorship_scope()
        register_mentor_checkins()
