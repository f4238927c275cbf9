"""What the Django admin may do with data whose changes must be audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest


class ReadOnlyAdmin[M: models.Model](admin.ModelAdmin[M]):
    """Shown, never changed, here. Enrollments and phases, memberships,
    roles, facilitators and the like change through the pages and the API,
    whose actions write the audit entry and close the sockets of people who
    lose access; an admin form would do neither."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
