from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("commonroom.spaces.space_urls")),
    path("", include("commonroom.spaces.checkin_urls")),
    path("", include("commonroom.spaces.search_urls")),
    path("", include("commonroom.spaces.resource_urls")),
    path("", include("commonroom.spaces.notification_urls")),
    path("", include("commonroom.spaces.moderation_urls")),
    path("", include("commonroom.spaces.goal_urls")),
]
