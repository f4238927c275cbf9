"""Reaching open sockets when access ends.

Channels checks a socket only when it connects, so ending access (logout,
deactivation, removal) must also tell open sockets to close.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

from commonroom.realtime import publisher

log = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    # Hashed: a session key is a credential and must not travel to Redis.
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        publisher.group_send(layer, group, message)
    except Exception:  # the channel layer is a hint; an unreachable Redis must not fail logout
        log.warning("could not reach the channel layer to close sockets", exc_info=True)


def close_session_sockets(session_key: str | None) -> None:
    if session_key:
        _send(session_group(session_key), {"type": "session.end"})


def close_user_sockets(user_id: int) -> None:
    _send(user_group(user_id), {"type": "session.end"})


def on_user_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    close_session_sockets(getattr(session, "session_key", None))


# Saving either of these can end every session of the person: deactivation, and
# a new password hash (Django's session check fails for the other sessions on
# their next request; open sockets make no more requests, so they are told).
_ACCESS_FIELDS = frozenset({"password", "is_active"})


def on_user_pre_save(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Notes whether this save ends access. Every path that changes a password
    or deactivates someone (allauth's change, set and reset, the admin site,
    ``changepassword``) saves the user, so one hook covers them all; a bulk
    ``update()`` sends no signal and is caught by the check at delivery
    instead (realtime/consumers.py)."""
    instance._closes_sockets = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not _ACCESS_FIELDS & set(update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    if before is None:
        return
    password, was_active = before
    instance._closes_sockets = password != instance.password or (
        was_active and not instance.is_active
    )


def on_user_post_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "_closes_sockets", False):
        instance._closes_sockets = False
        user_id = instance.pk
        transaction.on_commit(lambda: close_user_sockets(user_id))
