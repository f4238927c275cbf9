from __future__ import annotations

from django.contrib import admin

from commonroom.gatherings.models import Gathering


@admin.register(Gathering)
class GatheringAdmin(admin.ModelAdmin[Gathering]):
    list_display = ("id", "program", "kind", "audience", "starts_at", "recurrence", "cancelled_at")
    list_filter = ("kind", "audience")
    # Changes go through the pages and the API, which audit them.
    readonly_fields = ("created_at", "updated_at", "cancelled_at", "cancelled_by", "created_by")
