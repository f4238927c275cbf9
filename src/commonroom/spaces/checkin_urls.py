from __future__ import annotations

from django.urls import path

from commonroom.spaces import checkin_views as views

urlpatterns = [
    path("checkins/", views.my_checkins, name="checkins"),
    path("checkins/staff/", views.staff_checkins, name="staff_checkins"),
    path("groups/<int:group_id>/checkins/", views.group_checkins, name="group_checkins"),
]
