from __future__ import annotations

from django.urls import path

from commonroom.peers.alumni import views

urlpatterns = [
    path("alumni/", views.alumni_home, name="alumni_home"),
    path(
        "alumni/programs/<int:program_id>/settings/",
        views.alumni_settings,
        name="alumni_settings",
    ),
    path("alumni/opportunities/new/", views.opportunity_new, name="opportunity_new"),
    path(
        "alumni/opportunities/<int:opportunity_id>/",
        views.opportunity_detail,
        name="opportunity",
    ),
    path(
        "alumni/opportunities/<int:opportunity_id>/signup/",
        views.opportunity_signup,
        name="opportunity_signup",
    ),
    path(
        "alumni/opportunities/<int:opportunity_id>/withdraw/",
        views.opportunity_withdraw,
        name="opportunity_withdraw",
    ),
    path(
        "alumni/opportunities/<int:opportunity_id>/close/",
        views.opportunity_close,
        name="opportunity_close",
    ),
    path("alumni/signups/<int:signup_id>/confirm/", views.signup_confirm, name="signup_confirm"),
]
