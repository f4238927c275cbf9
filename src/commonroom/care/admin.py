from __future__ import annotations

from django.contrib import admin

from commonroom.care.models import (
    Enrollment,
    GroupMembership,
    Invitation,
    Program,
    ProgramRole,
    TherapyGroup,
)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ProgramRole)
class ProgramRoleAdmin(admin.ModelAdmin[ProgramRole]):
    list_display = ["user", "program", "role", "granted_at"]
    list_filter = ["role", "program"]


@admin.register(TherapyGroup)
class TherapyGroupAdmin(admin.ModelAdmin[TherapyGroup]):
    list_display = ["name", "program", "kind", "capacity"]
    filter_horizontal = ["facilitators"]


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin[GroupMembership]):
    list_display = ["user", "group", "joined_at", "left_at"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin[Enrollment]):
    list_display = ["user", "program", "phase", "phase_changed_at"]
    list_filter = ["phase", "program"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "program", "role", "created_at", "expires_at", "accepted_at"]
    exclude = ["nonce"]
