"""Every write to a peer space goes through these actions: they validate,
store, audit where the data is protected, and append the real-time event in
the same transaction (realtime/events.py; the kinds are in spaces/events.py).
Taking a message's text back (edit, delete, hide) withdraws it from the
earlier events in that same transaction, so the log never replays it."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.queries import peer_mentor_ids
from commonroom.core.validation import refuse
from commonroom.realtime import events
from commonroom.spaces import access
from commonroom.spaces.events import message_subject
from commonroom.spaces.models import (
    MESSAGE_MAX_CHARS,
    Mention,
    Message,
    MessageRevision,
    Reaction,
    ReactionKind,
    ReadMark,
    Space,
    Thread,
)
from commonroom.spaces.render import to_html

TITLE_MAX_CHARS = 160
# "@Name" at the start of the text or after a space or opening bracket.
_MENTION = re.compile(r"(?:(?<=^)|(?<=[\s(\[]))@(\w[\w.'-]*)")


def alias_for(space: Space, user_id: int) -> str:
    """A stable alias per person and space that peers cannot link to a name
    (keyed with the secret, so it cannot be recomputed from ids)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"alias:{space.pk}:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return _("Member %(code)s") % {"code": digest[:4].upper()}


def shown_author(message: Message) -> str:
    """What peers see as the author."""
    if message.as_alias:
        return alias_for(message.space, message.author_id)
    return message.author.display_name


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise refuse("body", _("Write something first."), "required")
    if len(body) > MESSAGE_MAX_CHARS:
        raise refuse(
            "body",
            _("A message can be at most %(max)d characters; this one has %(count)d.")
            % {"max": MESSAGE_MAX_CHARS, "count": len(body)},
            "too_long",
        )
    return body


def _mentioned(space: Space, body: str) -> set[int]:
    """Members named with @Name (their display name's first word, or the whole
    name without spaces). Naming someone outside the space is an error, so a
    mention never tells a stranger they were talked about."""
    tokens = {t.lower().rstrip(".'-") for t in _MENTION.findall(body)}
    if not tokens:
        return set()
    names: dict[str, set[int]] = {}
    for user_id, name in User.objects.filter(pk__in=access.member_ids(space)).values_list(
        "pk", "display_name"
    ):
        for key in {name.split(" ")[0].lower(), name.replace(" ", "").lower()}:
            names.setdefault(key, set()).add(user_id)
    unknown = sorted(t for t in tokens if t not in names)
    if unknown:
        raise refuse(
            "body",
            _("Nobody called @%(name)s is in this space.") % {"name": unknown[0]},
            "unknown_mention",
        )
    return set().union(*(names[t] for t in tokens))


def message_payload(message: Message) -> dict[str, Any]:
    return {
        "message_id": message.pk,
        "thread_id": message.thread_id,
        "parent_id": message.parent_id,
        "author": {
            "name": shown_author(message),
            "alias": message.as_alias,
            # The badge belongs to the name: an alias post shows neither.
            "peer_mentor": not message.as_alias
            and message.author_id in peer_mentor_ids([message.author_id]),
        },
        "html": to_html(message.body),
        "created_at": message.created_at.isoformat(),
    }


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise refuse("title", _("Give the thread a title."), "required")
    if len(title) > TITLE_MAX_CHARS:
        raise refuse(
            "title",
            _("A title can be at most %(max)d characters.") % {"max": TITLE_MAX_CHARS},
            "too_long",
        )
    return title


def do_create_thread(
    *, space: Space, author: User, title: str, client_id: uuid.UUID | None = None
) -> Thread:
    title = _check_title(title)
    with transaction.atomic():
        thread = Thread.objects.create(
            space=space, title=title, created_by=author, client_id=client_id
        )
        events.append(space.stream_key, "thread.new", {"thread_id": thread.pk, "title": title})
    return thread


def _client_id_reused() -> ValidationError:
    return refuse(
        "client_id",
        _("This client id was already used for a different post; send a new id."),
        "client_id_reused",
    )


def _started_thread(
    *, space: Space, author: User, client_id: uuid.UUID, title: str, body: str
) -> Thread | None:
    """The thread this person already started with this client id, if the
    retry asks for the same thing; a different request under the same id is
    refused and shows nothing of the first (it may be in a space they have
    since left)."""
    thread = Thread.objects.filter(created_by=author, client_id=client_id).first()
    if thread is None:
        return None
    first = thread.messages.filter(author=author, client_id=client_id).first()
    sent_body = body.strip()
    same_first = _same_body(first, sent_body) if first is not None else not sent_body
    same = thread.space_id == space.pk and thread.title == title.strip() and same_first
    if not same:
        raise _client_id_reused()
    return thread


def do_start_thread(
    *, space: Space, author: User, title: str, body: str = "", client_id: uuid.UUID | None
) -> tuple[Thread, bool]:
    """A thread and its optional first message, stored together or not at
    all; once per client id, like a post: a retry returns the thread and
    ``False``. Returns ``(thread, created)``."""
    if body.strip() and client_id is None:
        raise refuse("client_id", _("A first message needs a client id."), "required")
    if client_id is not None:
        existing = _started_thread(
            space=space, author=author, client_id=client_id, title=title, body=body
        )
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            thread = do_create_thread(space=space, author=author, title=title, client_id=client_id)
            if body.strip():
                assert client_id is not None
                do_post_message(
                    space=space, author=author, body=body, client_id=client_id, thread=thread
                )
    except IntegrityError:
        # The same client id raced in from a second tab or retry: one stored.
        assert client_id is not None
        again = _started_thread(
            space=space, author=author, client_id=client_id, title=title, body=body
        )
        if again is None:
            raise
        return again, False
    return thread, True


def _same_body(message: Message, body: str) -> bool:
    """Whether ``body`` is what this message was first posted with (an edit
    since then does not make the retry a different post)."""
    first = message.revisions.order_by("replaced_at", "pk").values_list("body", flat=True).first()
    return (first if first is not None else message.body) == body


def do_post_message(
    *,
    space: Space,
    author: User,
    body: str,
    client_id: uuid.UUID,
    thread: Thread,
    parent: Message | None = None,
    as_alias: bool = False,
    checkin: dict[str, Any] | None = None,
) -> tuple[Message, bool]:
    """Stores the message once per client id: a retry returns the stored
    message and ``False``. Returns ``(message, created)``. ``checkin`` is the
    structured form of a check-in post's answers, sent with its event (see
    spaces/events.py CHECKIN_KEYS)."""
    existing = Message.objects.filter(author=author, client_id=client_id).first()
    if existing is not None:
        return _retried(existing, thread=thread, body=body, parent=parent, as_alias=as_alias), False
    body = _check_body(body)
    if thread.space_id != space.pk:
        raise refuse("thread", _("This thread is not in this space."), "wrong_space")
    if thread.locked_at is not None:
        raise refuse("thread", _("This thread is locked; it takes no new messages."), "locked")
    if parent is not None and parent.thread_id != thread.pk:
        raise refuse("parent", _("You can only reply within the same thread."), "wrong_thread")
    from commonroom.spaces.moderation import muted_until

    mute = muted_until(space, author.pk)
    if mute is not None:
        raise refuse(
            None,
            _("You can post here again after %(time)s.")
            % {"time": timezone.localtime(mute.until).strftime("%Y-%m-%d %H:%M")},
            "muted",
        )
    if as_alias and not space.allow_alias:
        raise refuse("as_alias", _("This space does not allow posting under an alias."), "no_alias")
    mentioned = _mentioned(space, body) - {author.pk}
    try:
        with transaction.atomic():
            message = Message.objects.create(
                space=space,
                thread=thread,
                parent=parent,
                author=author,
                client_id=client_id,
                body=body,
                as_alias=as_alias,
            )
            Thread.objects.filter(pk=thread.pk).update(last_activity_at=message.created_at)
            Mention.objects.bulk_create([Mention(message=message, user_id=u) for u in mentioned])
            payload = message_payload(message)
            if checkin is not None:
                payload["checkin"] = checkin
            events.append(
                space.stream_key, "message.new", payload, subject=message_subject(message.pk)
            )
            for user_id in sorted(mentioned):
                events.append(
                    f"user.{user_id}",
                    "mention.new",
                    {"space_id": space.pk, "message_id": message.pk},
                )
            _mark_read(author, space, message.pk)
    except IntegrityError:
        # The same client id raced in from a second tab or retry: one stored.
        existing = Message.objects.get(author=author, client_id=client_id)
        return _retried(existing, thread=thread, body=body, parent=parent, as_alias=as_alias), False
    return message, True


def _retried(
    existing: Message, *, thread: Thread, body: str, parent: Message | None, as_alias: bool
) -> Message:
    """The stored message, when a retry sends the same post again. The same
    id with anything else is refused: answering with the stored message would
    show a post from another thread, perhaps one the person can no longer see."""
    same = (
        existing.thread_id == thread.pk
        and existing.parent_id == (parent.pk if parent is not None else None)
        and existing.as_alias == as_alias
        and _same_body(existing, body.strip())
    )
    if not same:
        raise _client_id_reused()
    return existing


def do_edit_message(*, message: Message, editor: User, body: str) -> Message:
    if message.author_id != editor.pk:
        raise refuse(None, _("Only the author can edit a message."), "not_author")
    if message.deleted_at or message.hidden_at:
        raise refuse(None, _("This message can no longer be edited."), "removed")
    body = _check_body(body)
    if body == message.body:
        return message
    _mentioned(message.space, body)
    with transaction.atomic():
        MessageRevision.objects.create(message=message, body=message.body)
        message.body = body
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "edited_at"])
        # The text before this edit is withdrawn: only the newest event
        # about the message may carry its text.
        stream, subject = message.space.stream_key, message_subject(message.pk)
        events.withdraw(stream, subject)
        events.append(
            stream,
            "message.edited",
            {
                "message_id": message.pk,
                "thread_id": message.thread_id,
                "html": to_html(body),
                "edited_at": message.edited_at.isoformat(),
            },
            subject=subject,
        )
    return message


def do_delete_message(*, message: Message, by: User) -> None:
    """A soft delete by the author: the text stays for moderators' records."""
    if message.author_id != by.pk:
        raise refuse(None, _("Only the author can delete a message."), "not_author")
    if message.deleted_at:
        return
    with transaction.atomic():
        message.deleted_at = timezone.now()
        message.save(update_fields=["deleted_at"])
        events.withdraw(message.space.stream_key, message_subject(message.pk))
        events.append(
            message.space.stream_key,
            "message.removed",
            {"message_id": message.pk, "thread_id": message.thread_id},
        )


def reaction_counts(message_id: int) -> dict[str, int]:
    counts = Counter(Reaction.objects.filter(message_id=message_id).values_list("kind", flat=True))
    return {kind: counts[kind] for kind in ReactionKind.values if counts[kind]}


def do_toggle_reaction(*, message: Message, user: User, kind: str) -> dict[str, int]:
    if kind not in ReactionKind.values:
        raise refuse("kind", _("That reaction is not one we offer."), "invalid")
    if message.deleted_at or message.hidden_at:
        raise refuse(None, _("This message was removed."), "removed")
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(message=message, user=user, kind=kind).delete()
        if not deleted:
            Reaction.objects.create(message=message, user=user, kind=kind)
        counts = reaction_counts(message.pk)
        events.append(
            message.space.stream_key,
            "reaction.changed",
            {"message_id": message.pk, "counts": counts},
        )
    return counts


def _mark_read(user: User, space: Space, message_id: int) -> None:
    mark, _created = ReadMark.objects.get_or_create(user=user, space=space)
    if message_id > mark.last_read_message_id:
        ReadMark.objects.filter(pk=mark.pk, last_read_message_id__lt=message_id).update(
            last_read_message_id=message_id
        )


def do_mark_read(*, user: User, space: Space) -> None:
    last = Message.objects.filter(space=space).order_by("-pk").values_list("pk", flat=True).first()
    if last:
        _mark_read(user, space, last)


def unread_counts(user: User, spaces: list[Space]) -> dict[int, int]:
    marks = dict(
        ReadMark.objects.filter(user=user, space__in=spaces).values_list(
            "space_id", "last_read_message_id"
        )
    )
    return {
        space.pk: Message.objects.filter(
            space=space,
            pk__gt=marks.get(space.pk, 0),
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .exclude(author=user)
        .count()
        for space in spaces
    }
