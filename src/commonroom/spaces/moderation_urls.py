from __future__ import annotations

from django.urls import path

from commonroom.spaces import moderation_views

urlpatterns = [
    path("messages/<int:message_id>/report/", moderation_views.report, name="report_message"),
    path("messages/<int:message_id>/hide/", moderation_views.hide, name="hide_message"),
    path("messages/<int:message_id>/mute/", moderation_views.mute, name="mute_author"),
    path("messages/<int:message_id>/note/", moderation_views.note, name="moderation_note"),
    path("threads/<int:thread_id>/lock/", moderation_views.lock, name="lock_thread"),
    path("moderation/", moderation_views.queue, name="moderation_queue"),
    path("moderation/<int:report_id>/handled/", moderation_views.handle, name="handle_report"),
]
