from __future__ import annotations

from django.urls import path

from commonroom.spaces import goal_views as views

urlpatterns = [
    path("goals/", views.my_goals, name="goals"),
    path("goals/<int:goal_id>/progress/", views.goal_progress, name="goal_progress"),
    path("goals/<int:goal_id>/close/", views.goal_close, name="goal_close"),
    path("groups/<int:group_id>/goals/", views.group_goals, name="group_goals"),
    path("milestones/", views.my_milestones, name="milestones"),
    path("milestones/counter/", views.recovery_counter, name="recovery_counter"),
    path("milestones/<int:milestone_id>/share/", views.milestone_share, name="milestone_share"),
    path(
        "milestones/<int:milestone_id>/dismiss/", views.milestone_dismiss, name="milestone_dismiss"
    ),
]
