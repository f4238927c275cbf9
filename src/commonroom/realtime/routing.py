from __future__ import annotations

from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from commonroom.realtime.consumers import EventConsumer
from commonroom.realtime.middleware import SessionAuthMiddleware

websocket_urlpatterns = [path("ws/", EventConsumer.as_asgi())]

# The Origin header must name one of ALLOWED_HOSTS: another site's page cannot
# open a socket with a participant's cookies. The session is read, never
# written (realtime/middleware.py).
websocket_application = AllowedHostsOriginValidator(
    SessionAuthMiddleware(URLRouter(websocket_urlpatterns))
)
