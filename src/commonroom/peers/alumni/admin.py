from __future__ import annotations

from django.contrib import admin

from commonroom.peers.alumni.models import AlumniNetworkSettings, VolunteerOpportunity


@admin.register(AlumniNetworkSettings)
class AlumniNetworkSettingsAdmin(admin.ModelAdmin[AlumniNetworkSettings]):
    list_display = ("program", "alumni_access_months", "updated_at")


@admin.register(VolunteerOpportunity)
class VolunteerOpportunityAdmin(admin.ModelAdmin[VolunteerOpportunity]):
    list_display = ("id", "program", "kind", "when", "spots", "closed_at")
    list_filter = ("kind",)
