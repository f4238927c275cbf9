from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


def _install_for_new_program(
    sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new program offers the default catalogue from the start (fixtures
    loaded raw are left as they are)."""
    if not created or raw:
        return
    from commonroom.peers.affinity.catalogue import install_default_catalogue

    install_default_catalogue(instance)


def _install_for_existing_programs(
    sender: AppConfig, using: str = "default", **kwargs: Any
) -> None:
    from commonroom.care.models import Program
    from commonroom.peers.affinity.catalogue import install_default_catalogue

    for program in Program.objects.using(using).all():
        install_default_catalogue(program, using=using)


class AffinityConfig(AppConfig):
    name = "commonroom.peers.affinity"
    label = "affinity"
    verbose_name = "Affinity groups"

    def ready(self) -> None:
        from commonroom.care.models import Program
        from commonroom.realtime import events

        # On the person's own ``user.<id>`` stream: ids and a status only,
        # never the group's name (membership is sensitive).
        events.register("affinity.request", keys={"request_id"})
        events.register("affinity.decision", keys={"request_id", "status"})

        post_save.connect(
            _install_for_new_program, sender=Program, dispatch_uid="affinity.install_catalogue"
        )
        # Programs that existed before this app: after migrate, idempotently.
        post_migrate.connect(
            _install_for_existing_programs, sender=self, dispatch_uid="affinity.sync_catalogue"
        )
