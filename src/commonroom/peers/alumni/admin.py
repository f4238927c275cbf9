from __future__ import annotations

from django.contrib import admin

from commonroom.core.admin import ReadOnlyAdmin
from commonroom.peers.alumni.models import AlumniNetworkSettings, VolunteerOpportunity


@admin.register(AlumniNetworkSettings)
class AlumniNetworkSettingsAdmin(ReadOnlyAdmin[AlumniNetworkSettings]):
    list_display = ("program", "alumni_access_months", "updated_at")


@admin.register(VolunteerOpportunity)
class VolunteerOpportunityAdmin(ReadOnlyAdmin[VolunteerOpportunity]):
    list_display = ("id", "program", "kind", "when", "spots", "closed_at")
    list_filter = ("kind",)
