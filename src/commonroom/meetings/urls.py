from __future__ import annotations

from django.urls import path

from commonroom.meetings import views

urlpatterns = [
    path("sessions/", views.my_sessions, name="my_sessions"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/join/", views.join, name="join_session"),
    path("sessions/<int:session_id>/help/", views.request_help, name="session_help"),
    path(
        "sessions/<int:session_id>/help/<int:request_id>/resolve/",
        views.resolve_help,
        name="resolve_help",
    ),
    path(
        "sessions/<int:session_id>/attendance/finalise/",
        views.finalise_attendance,
        name="finalise_attendance",
    ),
    path(
        "sessions/<int:session_id>/attendance/<int:user_id>/",
        views.correct_attendance,
        name="correct_attendance",
    ),
    path("sessions/<int:session_id>/note/", views.write_group_note, name="group_note"),
    path("tech-check/", views.tech_check, name="tech_check"),
    path("groups/<int:group_id>/schedule/", views.group_schedule, name="group_schedule"),
    path("series/<int:series_id>/exceptions/", views.add_exception, name="add_exception"),
    path("programs/<int:program_id>/minimums/", views.weekly_minimums, name="weekly_minimums"),
    path("calendar/feeds/", views.create_feed, name="create_feed"),
    path("calendar/feeds/revoke/", views.revoke_feeds, name="revoke_feeds"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
