from __future__ import annotations

from django.urls import path

from commonroom.spaces import resource_views

urlpatterns = [
    path(
        "spaces/<int:space_id>/resources/",
        resource_views.space_resources,
        name="space_resources",
    ),
    path("resources/<int:resource_id>/file/", resource_views.download, name="resource_file"),
    path("resources/<int:resource_id>/pin/", resource_views.pin, name="resource_pin"),
    path("resources/<int:resource_id>/remove/", resource_views.remove, name="resource_remove"),
]
