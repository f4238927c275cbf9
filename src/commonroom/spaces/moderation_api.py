"""Moderation over the API, with the rules of the pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from commonroom.accounts.models import User
from commonroom.api.pagination import PageOf, page_of, paged, paged_by_hand
from commonroom.spaces import access, moderation
from commonroom.spaces.models import Message, ModerationNote

router = Router(tags=["moderation"])


class ReportIn(Schema):
    reason: str = Field(max_length=500)


class HiddenIn(Schema):
    hidden: bool


class LockedIn(Schema):
    locked: bool


class MuteIn(Schema):
    minutes: int


class ModerationNoteIn(Schema):
    body: str = Field(max_length=4000)


class ModerationNoteOut(Schema):
    id: int
    message_id: int
    body: str
    written_by: str | None = Field(description="The staff member's display name.")
    created_at: str


class ReportOut(Schema):
    id: int
    message_id: int
    thread_id: int
    space_id: int
    reason: str
    created_at: str


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _moderated(request: HttpRequest, message_id: int) -> Message:
    return moderation.access_moderated_message(request.user, message_id)


@router.post("/messages/{message_id}/report", response={201: None})
def report(request: HttpRequest, message_id: int, payload: ReportIn) -> tuple[int, None]:
    message = access.access_message(request.user, message_id)
    moderation.do_report(message=message, reporter=_viewer(request), reason=payload.reason)
    return 201, None


@router.post("/messages/{message_id}/hide", response={204: None})
def hide(request: HttpRequest, message_id: int, payload: HiddenIn) -> tuple[int, None]:
    message = _moderated(request, message_id)
    moderation.do_set_hidden(message=message, by=_viewer(request), hidden=payload.hidden)
    return 204, None


@router.post("/messages/{message_id}/mute", response={204: None})
def mute(request: HttpRequest, message_id: int, payload: MuteIn) -> tuple[int, None]:
    message = _moderated(request, message_id)
    moderation.do_mute(
        space=message.space, user_id=message.author_id, minutes=payload.minutes, by=_viewer(request)
    )
    return 204, None


@router.post("/threads/{thread_id}/lock", response={204: None})
def lock(request: HttpRequest, thread_id: int, payload: LockedIn) -> tuple[int, None]:
    thread = moderation.access_moderated_thread(request.user, thread_id)
    moderation.do_set_locked(thread=thread, by=_viewer(request), locked=payload.locked)
    return 204, None


def _note_out(note: ModerationNote) -> dict[str, Any]:
    return {
        "id": note.pk,
        "message_id": note.message_id,
        "body": note.body,
        "written_by": note.written_by.display_name if note.written_by else None,
        "created_at": note.created_at.isoformat(),
    }


@router.get("/messages/{message_id}/moderation-notes", response=list[ModerationNoteOut])
@paged_by_hand
def notes(request: HttpRequest, message_id: int, **kwargs: Any) -> PageOf:
    """Staff notes about a message, oldest first: its space's moderators only."""
    message = _moderated(request, message_id)
    shown = page_of(moderation.notes_about([message.pk]), kwargs["page"])
    moderation.record_notes_read(reader=_viewer(request), shown=shown.items)
    return replace(shown, items=[_note_out(n) for n in shown.items])


@router.post("/messages/{message_id}/moderation-notes", response={201: ModerationNoteOut})
def add_note(
    request: HttpRequest, message_id: int, payload: ModerationNoteIn
) -> tuple[int, dict[str, Any]]:
    message = _moderated(request, message_id)
    note = moderation.do_add_moderation_note(
        space=message.space, by=_viewer(request), body=payload.body, message=message
    )
    return 201, _note_out(note)


@router.get("/moderation/reports", response=list[ReportOut])
@paged
def reports(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "message_id": r.message_id,
            "thread_id": r.message.thread_id,
            "space_id": r.message.space_id,
            "reason": r.reason,
            "created_at": r.created_at.isoformat(),
        }
        for r in moderation.open_reports(_viewer(request))
    ]


@router.post("/moderation/reports/{report_id}/handled", response={204: None})
def handled(request: HttpRequest, report_id: int) -> tuple[int, None]:
    found = moderation.open_reports(_viewer(request)).filter(pk=report_id).first()
    if found is None:
        raise Http404
    moderation.do_handle_report(report=found, by=_viewer(request))
    return 204, None
