from __future__ import annotations

from django.urls import path

from commonroom.care.views import (
    agreements,
    enrollments,
    groups,
    invitations,
    preferences,
    programs,
    relations,
)

urlpatterns = [
    path("invite/<str:token>/", invitations.invitation, name="invitation"),
    path("programs/<int:program_id>/", programs.program_dashboard, name="program"),
    path("programs/<int:program_id>/settings/", programs.program_settings, name="program_settings"),
    path("programs/<int:program_id>/tracks/", programs.create_track, name="create_track"),
    path("programs/<int:program_id>/groups/new/", programs.create_group, name="create_group"),
    path(
        "programs/<int:program_id>/invitations/",
        invitations.program_invitations,
        name="program_invitations",
    ),
    path(
        "programs/<int:program_id>/invitations/<int:invitation_id>/revoke/",
        invitations.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        "programs/<int:program_id>/enrollments/",
        enrollments.program_enrollments,
        name="enrollments",
    ),
    path("programs/<int:program_id>/couples/", relations.couples, name="couples"),
    path("programs/<int:program_id>/do-not-pair/", relations.do_not_pair, name="do_not_pair"),
    path("programs/<int:program_id>/agreement/", agreements.agreement, name="agreement"),
    path(
        "programs/<int:program_id>/agreement/publish/",
        agreements.publish_agreement,
        name="publish_agreement",
    ),
    path("groups/<int:group_id>/", groups.group_page, name="group"),
    path("groups/<int:group_id>/edit/", programs.edit_group, name="edit_group"),
    path("enrollments/<int:enrollment_id>/", enrollments.enrollment_detail, name="enrollment"),
    path("enrollments/<int:enrollment_id>/phase/", enrollments.change_phase, name="change_phase"),
    path(
        "enrollments/<int:enrollment_id>/place/", enrollments.place_in_group, name="place_in_group"
    ),
    path(
        "enrollments/<int:enrollment_id>/groups/<int:group_id>/leave/",
        enrollments.leave_group,
        name="leave_group",
    ),
    path("couples/<int:couple_id>/policy/", relations.couple_policy, name="couple_policy"),
    path("couples/<int:couple_id>/unlink/", relations.unlink_couple, name="unlink_couple"),
    path(
        "do-not-pair/<int:entry_id>/remove/",
        relations.remove_do_not_pair,
        name="remove_do_not_pair",
    ),
    path("preferences/", preferences.preferences, name="preferences"),
    path("people/<int:person_id>/audit/", preferences.person_audit, name="person_audit"),
]
