from __future__ import annotations

from django.urls import path

from commonroom.peers.buddies import views

urlpatterns = [
    path("buddy/", views.my_buddy, name="my_buddy"),
    path("buddy/opt-in/", views.opt_in, name="buddy_opt_in"),
    path("buddy/request/", views.request_buddy, name="buddy_request"),
    path("buddy/pairs/<int:pair_id>/rhythm/", views.set_rhythm, name="buddy_rhythm"),
    path("buddy/pairs/<int:pair_id>/end/", views.end_pair, name="buddy_end"),
    path("buddy/pairs/<int:pair_id>/no-thanks/", views.no_thanks, name="buddy_no_thanks"),
    path("buddies/staff/", views.staff_pairs, name="buddy_staff"),
    path("buddies/run/<slug:scope>/<int:scope_id>/", views.run_pairing, name="buddy_run"),
]
