from __future__ import annotations

from django.urls import path

from commonroom.meetings import console_views, views

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
    path("sessions/<int:session_id>/console/", console_views.console_page, name="console"),
    path(
        "sessions/<int:session_id>/console/live/", console_views.console_live, name="console_live"
    ),
    path(
        "sessions/<int:session_id>/shares/<int:user_id>/", console_views.log_share, name="log_share"
    ),
    path(
        "sessions/<int:session_id>/breakouts/plan/",
        console_views.plan_breakouts,
        name="plan_breakouts",
    ),
    path(
        "sessions/<int:session_id>/breakouts/<slug:action>/",
        console_views.breakout_action,
        name="breakout_action",
    ),
    path("sessions/<int:session_id>/prompt/", console_views.choose_prompt, name="choose_prompt"),
    path("sessions/<int:session_id>/prompts/new/", console_views.add_prompt, name="add_prompt"),
    path("sessions/<int:session_id>/co-lead/", console_views.assign_co_lead, name="assign_co_lead"),
    path(
        "sessions/<int:session_id>/co-lead/opt-in/",
        console_views.opt_in_co_lead,
        name="opt_in_co_lead",
    ),
    path("sessions/<int:session_id>/my-breakout/", console_views.my_breakout, name="my_breakout"),
    path(
        "sessions/<int:session_id>/my-breakout/ask/",
        console_views.ask_facilitator,
        name="ask_facilitator",
    ),
    path(
        "sessions/<int:session_id>/my-breakout/join/",
        console_views.join_breakout,
        name="join_breakout",
    ),
    path("tech-check/", views.tech_check, name="tech_check"),
    path("groups/<int:group_id>/schedule/", views.group_schedule, name="group_schedule"),
    path("series/<int:series_id>/exceptions/", views.add_exception, name="add_exception"),
    path("programs/<int:program_id>/minimums/", views.weekly_minimums, name="weekly_minimums"),
    path("calendar/feeds/", views.create_feed, name="create_feed"),
    path("calendar/feeds/revoke/", views.revoke_feeds, name="revoke_feeds"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
