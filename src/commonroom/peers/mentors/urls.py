from __future__ import annotations

from django.urls import path

from commonroom.peers.mentors import views

urlpatterns = [
    path("mentoring/", views.mentor_home, name="mentor_home"),
    path("mentoring/profiles/<int:profile_id>/", views.mentor_profile, name="mentor_profile"),
    path(
        "mentoring/profiles/<int:profile_id>/details/", views.mentor_details, name="mentor_details"
    ),
    path(
        "mentoring/profiles/<int:profile_id>/training/",
        views.record_training,
        name="mentor_record_training",
    ),
    path(
        "mentoring/profiles/<int:profile_id>/training/confirm/",
        views.confirm_training,
        name="mentor_confirm_training",
    ),
    path("mentoring/profiles/<int:profile_id>/sign/", views.sign_boundaries, name="mentor_sign"),
    path("mentoring/profiles/<int:profile_id>/state/", views.change_state, name="mentor_state"),
    path("programs/<int:program_id>/mentors/", views.roster, name="mentor_roster"),
    path("programs/<int:program_id>/mentors/matching/", views.matching, name="mentor_matching"),
    path("my-mentor/", views.my_mentor, name="my_mentor"),
    path(
        "my-mentor/requests/<int:request_id>/withdraw/",
        views.withdraw_request,
        name="withdraw_mentor_request",
    ),
    path("mentorships/<int:mentorship_id>/", views.mentorship, name="mentorship"),
    path("mentorships/<int:mentorship_id>/end/", views.end_mentorship, name="end_mentorship"),
    path("mentorships/<int:mentorship_id>/concern/", views.raise_concern, name="raise_concern"),
]
