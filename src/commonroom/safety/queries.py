"""The flags list that staff read, on the page and over the API alike."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.core.audit import AuditAction, audited_reads
from commonroom.safety import access
from commonroom.safety.models import Flag, FlagStatus


def staff_flags(viewer: User | AnonymousUser, *, include_resolved: bool) -> QuerySet[Flag]:
    """Newest first; anyone who is not staff anywhere is not found."""
    if not access.is_flag_staff(viewer):
        raise Http404
    rows = access.flags_visible_to(viewer).select_related("subject", "raised_by", "program")
    if not include_resolved:
        rows = rows.exclude(status=FlagStatus.RESOLVED)
    return rows.order_by("-created_at", "-pk")


def record_flag_reads(*, reader: User, shown: list[Flag]) -> None:
    """Each person's flags among those shown are one audited read of their
    record; flags not shown (another page) are not recorded as read."""
    audited_reads(
        reader,
        action=AuditAction.FLAG_READ,
        rows=shown,
        subject_of=lambda flag: flag.subject,
        ids_key="flag_ids",
    )
