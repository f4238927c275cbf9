from __future__ import annotations

from django.urls import path

from commonroom.peers.affinity import views

urlpatterns = [
    path("affinity/", views.catalogue, name="affinity_catalogue"),
    path("affinity/<int:affinity_id>/", views.affinity_detail, name="affinity_group"),
    path("affinity/<int:affinity_id>/ask/", views.ask_to_join, name="affinity_ask"),
    path("affinity/<int:affinity_id>/leave/", views.leave, name="affinity_leave"),
    path("affinity/<int:affinity_id>/edit/", views.edit, name="affinity_edit"),
    path("affinity/<int:affinity_id>/archive/", views.archive, name="affinity_archive"),
    path("affinity/requests/", views.queue, name="affinity_queue"),
    path(
        "affinity/requests/<int:request_id>/withdraw/",
        views.withdraw,
        name="affinity_withdraw",
    ),
    path("affinity/requests/<int:request_id>/decide/", views.decide, name="affinity_decide"),
    path("programs/<int:program_id>/affinity/", views.manage, name="affinity_manage"),
]
