"""The websocket at /ws/.

The foundation authenticates and authorises the socket; the peer-spaces issue
adds the event streams and resume. Channels checks a socket only when it
connects, so every later rule that ends access must also close the socket: the
``user.<id>`` group exists so that logout and removal can reach open sockets.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from commonroom.accounts import mfa
from commonroom.realtime.actions import session_group, user_group

# Close codes in the application range (4000-4999), documented in docs/realtime.md.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_MFA_REQUIRED = 4403


class EventConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        session = self.scope.get("session") or {}
        if not await sync_to_async(mfa.mfa_satisfied)(user, session):
            await self.close(code=CLOSE_MFA_REQUIRED)
            return
        self.user_id = user.pk
        self.groups_joined = [user_group(user.pk)]
        session_key = getattr(session, "session_key", None)
        if session_key:
            self.groups_joined.append(session_group(session_key))
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "user": user.pk})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.send_json({"type": "error", "code": "unknown_message"})

    async def session_end(self, event: dict[str, Any]) -> None:
        """Sent to ``user.<id>`` on logout, deactivation or removal."""
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def hint(self, event: dict[str, Any]) -> None:
        """A live hint for this person's open pages (see realtime/notify.py)."""
        await self.send_json({"type": event["kind"], "payload": event["payload"]})
