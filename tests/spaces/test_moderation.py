"""Moderation: reports, the queue, hiding, mutes, locks and private notes.
Every action is audited; the reporter learns only that it was handled."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from commonroom.accounts.models import User
from commonroom.core.models import AuditEntry
from commonroom.realtime import events
from commonroom.spaces import actions, moderation
from commonroom.spaces.models import Message, ModerationNote, Mute, Report, Space, Thread

pytestmark = pytest.mark.django_db


def post(space: Space, thread: Thread, author: User, body: str = "Hello group") -> Message:
    message, _created = actions.do_post_message(
        space=space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
    )
    return message


def test_a_report_needs_a_reason_and_is_stored_once(
    group_space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    message = post(group_space, thread, participant)
    with pytest.raises(ValidationError) as error:
        moderation.do_report(message=message, reporter=groupmate, reason="  ")
    assert error.value.message_dict["reason"]
    moderation.do_report(message=message, reporter=groupmate, reason="This felt unsafe")
    moderation.do_report(message=message, reporter=groupmate, reason="Again")
    assert Report.objects.filter(message=message).count() == 1


def test_the_queue_shows_reports_only_to_the_spaces_staff(
    group_space: Space,
    thread: Thread,
    participant: User,
    groupmate: User,
    facilitator: User,
    other_facilitator: User,
    admin: User,
) -> None:
    message = post(group_space, thread, participant)
    report = moderation.do_report(message=message, reporter=groupmate, reason="Unkind")
    assert list(moderation.open_reports(facilitator)) == [report]
    assert list(moderation.open_reports(admin)) == [report]
    assert list(moderation.open_reports(other_facilitator)) == []
    assert list(moderation.open_reports(groupmate)) == []


def test_the_reporter_is_told_it_was_handled_but_not_what_was_done(
    group_space: Space, thread: Thread, participant: User, groupmate: User, facilitator: User
) -> None:
    message = post(group_space, thread, participant)
    report = moderation.do_report(message=message, reporter=groupmate, reason="Unkind")
    moderation.do_set_hidden(message=message, by=facilitator, hidden=True)
    moderation.do_handle_report(report=report, by=facilitator)
    told = events.since(f"user.{groupmate.pk}", 0)
    assert [(e.kind, e.payload) for e in told] == [("report.handled", {"report_id": report.pk})]
    assert not moderation.open_reports(facilitator).exists()


def test_hiding_removes_the_message_live_and_restoring_brings_it_back(
    group_space: Space, thread: Thread, participant: User, facilitator: User
) -> None:
    message = post(group_space, thread, participant)
    before = events.last_position(group_space.stream_key)
    moderation.do_set_hidden(message=message, by=facilitator, hidden=True)
    moderation.do_set_hidden(message=message, by=facilitator, hidden=False)
    kinds = [e.kind for e in events.since(group_space.stream_key, before)]
    assert kinds == ["message.removed", "message.new"]
    assert AuditEntry.objects.filter(
        action="space.message.hide", subject_id=participant.pk
    ).exists()
    assert AuditEntry.objects.filter(action="space.message.restore").exists()


def test_a_muted_person_cannot_post_until_the_mute_ends(
    group_space: Space, thread: Thread, participant: User, facilitator: User
) -> None:
    moderation.do_mute(space=group_space, user_id=participant.pk, minutes=60, by=facilitator)
    with pytest.raises(ValidationError) as error:
        post(group_space, thread, participant)
    assert error.value.code == "muted"
    assert not Message.objects.filter(author=participant).exists()
    Mute.objects.update(until=Mute.objects.get().created_at)  # the hour has passed
    assert post(group_space, thread, participant).pk


@pytest.mark.parametrize("minutes", [0, -5, 60 * 24 * 31])
def test_a_mute_outside_one_minute_to_thirty_days_is_refused(
    group_space: Space, participant: User, facilitator: User, minutes: int
) -> None:
    with pytest.raises(ValidationError):
        moderation.do_mute(
            space=group_space, user_id=participant.pk, minutes=minutes, by=facilitator
        )
    assert not Mute.objects.exists()


def test_only_members_can_be_muted(group_space: Space, outsider: User, facilitator: User) -> None:
    with pytest.raises(ValidationError) as error:
        moderation.do_mute(space=group_space, user_id=outsider.pk, minutes=10, by=facilitator)
    assert error.value.error_dict["user"][0].code == "not_member"


def test_a_locked_thread_takes_no_new_messages(
    group_space: Space, thread: Thread, participant: User, facilitator: User
) -> None:
    moderation.do_set_locked(thread=thread, by=facilitator, locked=True)
    with pytest.raises(ValidationError) as error:
        post(group_space, thread, participant)
    assert "locked" in str(error.value)
    assert not Message.objects.exists()
    last = events.since(group_space.stream_key, 0)[-1]
    assert (last.kind, last.payload) == ("thread.locked", {"thread_id": thread.pk, "locked": True})
    assert AuditEntry.objects.filter(action="space.thread.lock").exists()


def test_a_moderation_note_is_private_and_audited(
    group_space: Space, thread: Thread, participant: User, facilitator: User
) -> None:
    message = post(group_space, thread, participant)
    before = events.last_position(group_space.stream_key)
    note = moderation.do_add_moderation_note(
        space=group_space, by=facilitator, body="Check in with them after group.", message=message
    )
    assert note.about_id == participant.pk
    assert events.last_position(group_space.stream_key) == before  # nothing goes to peers
    assert AuditEntry.objects.filter(action="space.moderation_note").exists()
    with pytest.raises(ValidationError):
        moderation.do_add_moderation_note(space=group_space, by=facilitator, body="")
    assert ModerationNote.objects.count() == 1
