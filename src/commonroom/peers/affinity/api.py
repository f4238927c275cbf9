"""Affinity groups over the API, with parity to the pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.pagination import PageOf, page_of, paged, paged_by_hand
from commonroom.care import access as care_access
from commonroom.peers.affinity import access, actions, queries
from commonroom.peers.affinity.models import AffinityGroup, JoinRequest, RequestStatus
from commonroom.peers.affinity.schemas import (
    AffinityOut,
    AskIn,
    DecisionIn,
    EntryIn,
    EntryOut,
    EntryPatch,
    JoinRequestOut,
    MemberOut,
    QueueItemOut,
)

router = Router(tags=["affinity groups"])


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _line_out(line: queries.CatalogueLine) -> dict[str, Any]:
    entry = line.affinity
    return {
        "id": entry.pk,
        "program_id": entry.program_id,
        "key": entry.key,
        "name": entry.shown_name,
        "description": entry.shown_description,
        "running": entry.group_id is not None,
        "accepting_requests": entry.accepting_requests,
        "standing": line.standing,
        "pending_request_id": line.pending_request.pk if line.pending_request else None,
        "upcoming_sessions": line.upcoming,
        "leads": [u.display_name for u in queries.leads_of(entry)],
    }


def _request_out(item: JoinRequest) -> dict[str, Any]:
    return {
        "id": item.pk,
        "affinity_id": item.affinity_id,
        "status": item.status,
        "created_at": item.created_at,
        "decided_at": item.decided_at,
        "decision_message": item.decision_message,
    }


def _entry_out(entry: AffinityGroup) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "program_id": entry.program_id,
        "key": entry.key,
        "name": entry.name,
        "description": entry.description,
        "group_id": entry.group_id,
        "accepting_requests": entry.accepting_requests,
        "archived_at": entry.archived_at,
        "facilitator_ids": sorted(entry.group.facilitators.values_list("pk", flat=True))
        if entry.group
        else [],
    }


@router.get("/affinity/groups", response=list[AffinityOut], summary="The affinity catalogue")
@paged
def list_groups(request: HttpRequest) -> list[dict[str, Any]]:
    return [_line_out(line) for line in queries.catalogue_for(request.user)]


@router.get("/affinity/groups/{affinity_id}", response=AffinityOut)
def group_detail(request: HttpRequest, affinity_id: int) -> dict[str, Any]:
    affinity = access.access_affinity_group(request.user, affinity_id)
    return _line_out(queries.line_for(request.user, affinity))


@router.get(
    "/affinity/groups/{affinity_id}/members",
    response=list[MemberOut],
    summary="Who belongs: for the group's members and staff only",
)
@paged
def group_members(request: HttpRequest, affinity_id: int) -> list[queries.Member]:
    return queries.members_of(access.access_members_of(request.user, affinity_id))


@router.post("/affinity/groups/{affinity_id}/requests", response={201: JoinRequestOut})
def ask_to_join(
    request: HttpRequest, affinity_id: int, payload: AskIn
) -> tuple[int, dict[str, Any]]:
    affinity = access.access_affinity_group(request.user, affinity_id)
    item = actions.do_ask_to_join(person=_viewer(request), affinity=affinity, note=payload.note)
    return 201, _request_out(item)


@router.post("/affinity/groups/{affinity_id}/leave", response={204: None})
def leave(request: HttpRequest, affinity_id: int) -> HttpResponse:
    affinity = access.access_affinity_group(request.user, affinity_id)
    actions.do_leave_affinity_group(affinity=affinity, person=_viewer(request))
    return HttpResponse(status=204)


@router.get("/affinity/me/requests", response=list[JoinRequestOut])
@paged
def my_requests(request: HttpRequest) -> list[dict[str, Any]]:
    mine = JoinRequest.objects.filter(person_id=_viewer(request).pk).order_by("-created_at")
    return [_request_out(r) for r in mine]


@router.post("/affinity/requests/{request_id}/withdraw", response=JoinRequestOut)
def withdraw(request: HttpRequest, request_id: int) -> dict[str, Any]:
    item = access.access_join_request(request.user, request_id)
    return _request_out(
        actions.do_withdraw_join_request(join_request=item, person=_viewer(request))
    )


@router.get("/affinity/queue", response=list[QueueItemOut], summary="Requests the caller decides")
@paged_by_hand
def decision_queue(request: HttpRequest, **kwargs: Any) -> PageOf:
    shown = page_of(
        access.decidable_requests(request.user).filter(status=RequestStatus.PENDING),
        kwargs["page"],
    )
    # The notes on this page are what was read; those on later pages are not.
    actions.record_queue_read(viewer=_viewer(request), requests=shown.items)
    return replace(
        shown,
        items=[
            {
                **_request_out(r),
                "person_id": r.person_id,
                "display_name": r.person.display_name,
                "note": r.note,
                "affinity_name": r.affinity.shown_name,
            }
            for r in shown.items
        ],
    )


@router.post("/affinity/requests/{request_id}/decision", response=JoinRequestOut)
def decide(request: HttpRequest, request_id: int, payload: DecisionIn) -> dict[str, Any]:
    item = access.access_join_request(request.user, request_id, to_decide=True)
    item = actions.do_decide_join_request(
        join_request=item,
        decided_by=_viewer(request),
        approve=payload.approve,
        message=payload.message,
    )
    return _request_out(item)


@router.get("/affinity/programs/{program_id}/catalogue", response=list[EntryOut])
@paged
def program_catalogue(request: HttpRequest, program_id: int) -> list[dict[str, Any]]:
    program = care_access.access_program(request.user, program_id)
    entries = program.affinity_groups.select_related("group").order_by("position", "name")
    return [_entry_out(e) for e in entries]


@router.post("/affinity/programs/{program_id}/catalogue", response={201: EntryOut})
def create_entry(
    request: HttpRequest, program_id: int, payload: EntryIn
) -> tuple[int, dict[str, Any]]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    entry = actions.do_create_affinity_group(
        program=program,
        name=payload.name,
        description=payload.description,
        created_by=_viewer(request),
    )
    return 201, _entry_out(entry)


@router.patch("/affinity/groups/{affinity_id}", response=EntryOut)
def update_entry(request: HttpRequest, affinity_id: int, payload: EntryPatch) -> dict[str, Any]:
    entry = access.access_affinity_group(request.user, affinity_id, for_write=True)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    leads = changes.pop("facilitator_ids", None)
    archived = changes.pop("archived", None)
    if changes or leads is not None:
        entry = actions.do_update_affinity_group(
            affinity=entry, changed_by=_viewer(request), changes=changes, facilitator_ids=leads
        )
    if archived:
        entry = actions.do_archive_affinity_group(affinity=entry, archived_by=_viewer(request))
    return _entry_out(entry)
