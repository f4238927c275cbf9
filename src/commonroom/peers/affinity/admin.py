from __future__ import annotations

from django.contrib import admin

from commonroom.core.admin import ReadOnlyAdmin
from commonroom.peers.affinity.models import AffinityGroup


@admin.register(AffinityGroup)
class AffinityGroupAdmin(ReadOnlyAdmin[AffinityGroup]):
    list_display = ("name", "program", "key", "accepting_requests", "archived_at")
    list_filter = ("program",)
    # Requests to join are not in the admin site: they say who wants to join
    # which group, and the pages keep them to the group's own staff.
