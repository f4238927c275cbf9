from __future__ import annotations

from django.urls import path

from commonroom.spaces import space_views as views

urlpatterns = [
    path("spaces/", views.space_list, name="spaces"),
    path("spaces/<int:space_id>/", views.space_detail, name="space"),
    path("spaces/<int:space_id>/threads/", views.create_thread, name="create_thread"),
    path("threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("threads/<int:thread_id>/live/", views.thread_live, name="thread_live"),
    path("threads/<int:thread_id>/messages/", views.post_message, name="post_message"),
    path("messages/<int:message_id>/edit/", views.edit_message, name="edit_message"),
    path("messages/<int:message_id>/delete/", views.delete_message, name="delete_message"),
    path("messages/<int:message_id>/reactions/", views.toggle_reaction, name="toggle_reaction"),
    path("messages/<int:message_id>/history/", views.message_history, name="message_history"),
]
