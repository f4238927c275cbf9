"""ASGI entry point: web pages over HTTP and the websocket at /ws/, one process."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonroom.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from commonroom.core.limits import BodyLimitApp  # noqa: E402
from commonroom.realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": BodyLimitApp(django_asgi_app),
        "websocket": websocket_application,
    }
)
