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
from commonroom.core.admin import ReadOnlyAdmin


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin[Program]):
    list_display = ["name", "slug", "time_zone"]


@admin.register(ProgramRole)
class ProgramRoleAdmin(ReadOnlyAdmin[ProgramRole]):
    list_display = ["user", "program", "role", "granted_at"]
    list_filter = ["role", "program"]


@admin.register(TherapyGroup)
class TherapyGroupAdmin(ReadOnlyAdmin[TherapyGroup]):
    list_display = ["name", "program", "kind", "capacity"]


@admin.register(GroupMembership)
class GroupMembershipAdmin(ReadOnlyAdmin[GroupMembership]):
    list_display = ["user", "group", "joined_at", "left_at"]


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin[Enrollment]):
    list_display = ["user", "program", "phase", "phase_changed_at"]
    list_filter = ["phase", "program"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin[Invitation]):
    list_display = ["email", "program", "role", "created_at", "expires_at", "accepted_at"]
    exclude = ["nonce"]
