from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _provision(
    sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new program or therapy group gets its spaces in the same transaction,
    so nobody has to remember to make them (and fixtures loaded raw are left
    as they are)."""
    if not created or raw:
        return
    from commonroom.care.models import Program
    from commonroom.spaces.provisioning import ensure_default_spaces, ensure_group_spaces

    if isinstance(instance, Program):
        ensure_default_spaces(instance)
    else:
        ensure_group_spaces(instance)


class SpacesConfig(AppConfig):
    name = "commonroom.spaces"
    label = "spaces"
    verbose_name = "Peer spaces"

    def ready(self) -> None:
        from commonroom.care.models import Program, TherapyGroup
        from commonroom.spaces import events

        events.register()
        post_save.connect(_provision, sender=Program, dispatch_uid="spaces.provision_program")
        post_save.connect(_provision, sender=TherapyGroup, dispatch_uid="spaces.provision_group")
