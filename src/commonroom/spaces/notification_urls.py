from __future__ import annotations

from django.urls import path

from commonroom.spaces import notification_views

urlpatterns = [
    path("notifications/", notification_views.notifications, name="notifications"),
]
