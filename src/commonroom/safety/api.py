"""Flags over the API: staff of the subject only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.pagination import PageOf, page_of, paged_by_hand
from commonroom.core.audit import AuditAction, audited_read
from commonroom.safety import access, queries
from commonroom.safety.actions import do_set_flag_status
from commonroom.safety.models import Flag
from commonroom.safety.schemas import FlagOut, FlagStatusIn

router = Router(tags=["flags"])


def _out(flag: Flag) -> dict[str, Any]:
    return {
        "id": flag.pk,
        "program_id": flag.program_id,
        "subject_id": flag.subject_id,
        "subject_display_name": flag.subject.display_name,
        "kind": flag.kind,
        "source": flag.source,
        "raised_by_display_name": flag.raised_by.display_name if flag.raised_by else None,
        "note": flag.note,
        "status": flag.status,
        "created_at": flag.created_at,
        "acknowledged_at": flag.acknowledged_at,
        "resolved_at": flag.resolved_at,
    }


@router.get("/flags", response=list[FlagOut], summary="Flags about people in the caller's care")
@paged_by_hand
def list_flags(request: HttpRequest, include_resolved: bool = False, **kwargs: Any) -> PageOf:
    user = request.user
    assert isinstance(user, User)
    rows = queries.staff_flags(user, include_resolved=include_resolved)
    shown = page_of(rows, kwargs["page"])
    queries.record_flag_reads(reader=user, shown=shown.items)
    return PageOf(
        items=[_out(f) for f in shown.items],
        count=shown.count,
        limit=shown.limit,
        offset=shown.offset,
    )


@router.get("/flags/{flag_id}", response=FlagOut)
def get_flag(request: HttpRequest, flag_id: int) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    flag = access.access_flag(user, flag_id)
    audited_read(user, action=AuditAction.FLAG_READ, subject=flag.subject, obj=flag)
    return _out(flag)


@router.post("/flags/{flag_id}/status", response=FlagOut)
def set_status(request: HttpRequest, flag_id: int, payload: FlagStatusIn) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    flag = access.access_flag(user, flag_id, for_write=True)
    return _out(do_set_flag_status(flag=flag, status=payload.status, changed_by=user))
