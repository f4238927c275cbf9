from __future__ import annotations

from channels.routing import URLRouter
from django.urls import path

from commonroom.realtime.consumers import EventConsumer
from commonroom.realtime.middleware import SessionAuthMiddleware
from commonroom.realtime.origin import SameOriginValidator

websocket_urlpatterns = [path("ws/", EventConsumer.as_asgi())]

# The Origin header must be this site, scheme, host and port (realtime/origin.py):
# another site's page cannot open a socket with a participant's cookies. The
# session is read, never written (realtime/middleware.py).
websocket_application = SameOriginValidator(SessionAuthMiddleware(URLRouter(websocket_urlpatterns)))
