from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from commonroom.realtime.consumers import EventConsumer

websocket_urlpatterns = [path("ws/", EventConsumer.as_asgi())]

# The Origin header must name one of ALLOWED_HOSTS: another site's page cannot
# open a socket with a participant's cookies.
websocket_application = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
)
