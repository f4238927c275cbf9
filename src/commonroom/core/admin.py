"""What the Django admin may do with data whose changes must be audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse

from commonroom.core.audit import AuditAction, audited_read


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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A list of people's phases or roles is a read of protected data.
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            audited_read(
                request.user,
                action=AuditAction.ADMIN_LIST_READ,
                detail={"model": self.model._meta.label_lower},
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if response.status_code == 200 and obj is not None:
            audited_read(
                request.user,
                action=AuditAction.ADMIN_READ,
                subject=getattr(obj, "user", None),
                obj=obj,
            )
        return response
