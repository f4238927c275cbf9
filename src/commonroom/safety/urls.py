from __future__ import annotations

from django.urls import path

from commonroom.safety import views

urlpatterns = [
    path("flags/", views.flags, name="flags"),
    path("flags/<int:flag_id>/status/", views.flag_status, name="flag_status"),
]
