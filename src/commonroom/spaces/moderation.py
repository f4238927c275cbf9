"""Moderation of peer spaces: reports, hiding, mutes, locks and private notes.
Every action is audited; the reporter learns that a report was handled,
never what was done about it. Callers check ``access.is_moderator`` (or, for
reports, that the reporter can see the space) before calling."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.core.audit import AuditAction, audited_read, record
from commonroom.core.validation import refuse
from commonroom.realtime import events
from commonroom.spaces import access
from commonroom.spaces.actions import message_payload
from commonroom.spaces.events import message_subject
from commonroom.spaces.models import (
    Message,
    ModerationNote,
    Mute,
    Report,
    Space,
    Thread,
)

MAX_MUTE_MINUTES = 30 * 24 * 60


def do_report(*, message: Message, reporter: User, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise refuse("reason", _("Say briefly what is wrong, so staff can help."), "required")
    if len(reason) > 500:
        raise refuse("reason", _("Keep the reason under 500 characters."), "too_long")
    with transaction.atomic():
        report = Report.objects.filter(
            message=message, reported_by=reporter, handled_at__isnull=True
        ).first()
        if report is None:
            report = Report.objects.create(message=message, reported_by=reporter, reason=reason)
            record(actor=reporter, action=AuditAction.SPACE_REPORT, target=message)
    return report


def open_reports(viewer: User) -> QuerySet[Report]:
    """The queue: open reports in the spaces this person moderates."""
    return (
        Report.objects.filter(
            handled_at__isnull=True,
            message__space__in=access.spaces_visible_to(viewer).filter(access.staff_filter(viewer)),
        )
        .select_related("message", "message__space", "message__author", "reported_by")
        .order_by("created_at", "pk")
    )


def do_handle_report(*, report: Report, by: User) -> None:
    if report.handled_at is not None:
        return
    with transaction.atomic():
        report.handled_at = timezone.now()
        report.handled_by = by
        report.save(update_fields=["handled_at", "handled_by"])
        record(actor=by, action=AuditAction.SPACE_REPORT_HANDLED, target=report.message)
        events.append(f"user.{report.reported_by_id}", "report.handled", {"report_id": report.pk})


def do_set_hidden(*, message: Message, by: User, hidden: bool) -> None:
    if (message.hidden_at is not None) == hidden:
        return
    with transaction.atomic():
        message.hidden_at = timezone.now() if hidden else None
        message.save(update_fields=["hidden_at"])
        record(
            actor=by,
            action=AuditAction.SPACE_MESSAGE_HIDE if hidden else AuditAction.SPACE_MESSAGE_RESTORE,
            target=message,
            subject=message.author,
        )
        stream, subject = message.space.stream_key, message_subject(message.pk)
        if hidden:
            # Moderators still read it on the page; the log never replays it.
            events.withdraw(stream, subject)
            events.append(
                stream,
                "message.removed",
                {"message_id": message.pk, "thread_id": message.thread_id},
            )
        elif message.deleted_at is None:
            events.append(stream, "message.new", message_payload(message), subject=subject)


def do_mute(*, space: Space, user_id: int, minutes: int, by: User) -> Mute:
    if not 1 <= minutes <= MAX_MUTE_MINUTES:
        raise refuse(
            "minutes",
            _("A mute lasts from 1 minute to 30 days."),
            "invalid",
        )
    if user_id not in access.member_ids(space):
        raise refuse("user", _("This person is not in this space."), "not_member")
    with transaction.atomic():
        mute = Mute.objects.create(
            space=space,
            user_id=user_id,
            until=timezone.now() + timedelta(minutes=minutes),
            muted_by=by,
        )
        record(
            actor=by,
            action=AuditAction.SPACE_MUTE,
            target=space,
            subject=User.objects.get(pk=user_id),
            detail={"minutes": minutes},
        )
    return mute


def muted_until(space: Space, user_id: int) -> Mute | None:
    return (
        Mute.objects.filter(space=space, user_id=user_id, until__gt=timezone.now())
        .order_by("-until")
        .first()
    )


def do_set_locked(*, thread: Thread, by: User, locked: bool) -> None:
    if (thread.locked_at is not None) == locked:
        return
    with transaction.atomic():
        thread.locked_at = timezone.now() if locked else None
        thread.save(update_fields=["locked_at"])
        record(
            actor=by,
            action=AuditAction.SPACE_THREAD_LOCK if locked else AuditAction.SPACE_THREAD_UNLOCK,
            target=thread,
        )
        events.append(
            thread.space.stream_key, "thread.locked", {"thread_id": thread.pk, "locked": locked}
        )


def do_add_moderation_note(
    *, space: Space, by: User, body: str, message: Message | None = None
) -> ModerationNote:
    body = body.strip()
    if not body:
        raise refuse("body", _("Write the note first."), "required")
    if len(body) > 2000:
        raise refuse("body", _("Keep the note under 2,000 characters."), "too_long")
    with transaction.atomic():
        note = ModerationNote.objects.create(
            space=space,
            message=message,
            about_id=message.author_id if message else None,
            body=body,
            written_by=by,
        )
        record(actor=by, action=AuditAction.SPACE_MODERATION_NOTE, target=space)
    return note


def notes_by_message(message_ids: list[int], *, reader: User) -> dict[int, list[ModerationNote]]:
    """The staff notes about these messages, oldest first, for a reader the
    caller checked is a moderator of their space. Notes are staff records
    about a person, so showing them is an audited read."""
    notes = list(notes_about(message_ids))
    found: dict[int, list[ModerationNote]] = {}
    for note in notes:
        assert note.message_id is not None
        found.setdefault(note.message_id, []).append(note)
    record_notes_read(reader=reader, shown=notes)
    return found


def notes_about(message_ids: list[int]) -> QuerySet[ModerationNote]:
    return (
        ModerationNote.objects.filter(message_id__in=message_ids)
        .select_related("written_by")
        .order_by("created_at", "pk")
    )


def record_notes_read(*, reader: User, shown: list[ModerationNote]) -> None:
    if shown:
        audited_read(
            reader, action=AuditAction.SPACE_MODERATION_NOTE_READ, detail={"count": len(shown)}
        )


def access_moderated_message(viewer: User | AnonymousUser, message_id: int) -> Message:
    """A message its space's moderators may act on; to anyone else, not found
    (the page and the API both ask here)."""
    message = access.access_message(viewer, message_id)
    if not access.is_moderator(viewer, message.space):
        raise Http404
    return message


def access_moderated_thread(viewer: User | AnonymousUser, thread_id: int) -> Thread:
    thread = access.access_thread(viewer, thread_id)
    if not access.is_moderator(viewer, thread.space):
        raise Http404
    return thread
