from __future__ import annotations

from django.contrib import admin

from commonroom.core.admin import ReadOnlyAdmin
from commonroom.gatherings.models import Gathering


@admin.register(Gathering)
class GatheringAdmin(ReadOnlyAdmin[Gathering]):
    list_display = ("id", "program", "kind", "audience", "starts_at", "recurrence", "cancelled_at")
    list_filter = ("kind", "audience")
