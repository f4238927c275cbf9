from __future__ import annotations

from django.urls import path

from commonroom.gatherings import views

urlpatterns = [
    path("gatherings/", views.gathering_list, name="gatherings"),
    path("gatherings/new/", views.gathering_new, name="gathering_new"),
    path("gatherings/calendar/", views.create_feed, name="gatherings_create_feed"),
    path("gatherings/calendar/<str:secret>.ics", views.calendar_feed, name="gatherings_feed"),
    path("gatherings/<int:gathering_id>/", views.gathering_detail, name="gathering"),
    path("gatherings/<int:gathering_id>/edit/", views.gathering_edit, name="gathering_edit"),
    path("gatherings/<int:gathering_id>/rsvp/", views.gathering_rsvp, name="gathering_rsvp"),
    path("gatherings/<int:gathering_id>/cancel/", views.gathering_cancel, name="gathering_cancel"),
]
