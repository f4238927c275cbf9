"""Reads for the space pages and the API: a thread's messages with their
reactions in a constant number of queries, and per-space unread and mention
counts for the spaces list."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from commonroom.accounts.models import User
from commonroom.spaces.actions import shown_author, unread_counts
from commonroom.spaces.models import (
    Mention,
    Message,
    ModerationNote,
    Reaction,
    ReactionKind,
    ReadMark,
    Space,
    Thread,
)
from commonroom.spaces.render import to_html

# What a reaction button shows; the label is ReactionKind's (translated).
REACTION_SYMBOLS = {
    ReactionKind.HEART: "❤️",
    ReactionKind.CLAP: "👏",
    ReactionKind.STRONG: "💪",
    ReactionKind.HUG: "🤗",
    ReactionKind.SAME: "🙋",
}


@dataclass
class ReactionButton:
    kind: str
    symbol: str
    label: str
    count: int
    mine: bool


@dataclass
class MessageLine:
    """One message as this viewer may see it."""

    message: Message
    author: str
    real_author: str | None  # moderators only, for alias posts
    html: str
    removed: bool
    hidden: bool
    mine: bool
    parent_id: int | None
    parent_author: str | None
    reactions: list[ReactionButton] = field(default_factory=list)
    # Staff notes about the message: filled for moderators only.
    notes: list[ModerationNote] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.message.pk


def _visible(thread: Thread, *, moderator: bool) -> QuerySet[Message]:
    messages = Message.objects.filter(thread=thread)
    if not moderator:
        messages = messages.filter(hidden_at__isnull=True)
    return messages


def reaction_buttons(counts: dict[str, int], mine: set[str]) -> list[ReactionButton]:
    return [
        ReactionButton(
            kind=kind,
            symbol=REACTION_SYMBOLS[ReactionKind(kind)],
            label=str(label),
            count=counts.get(kind, 0),
            mine=kind in mine,
        )
        for kind, label in ReactionKind.choices
    ]


def message_line(message: Message, viewer: User, *, moderator: bool) -> MessageLine:
    """One line for a message whose ``space`` (and parent's) is already set."""
    removed = message.deleted_at is not None
    parent = message.parent
    return MessageLine(
        message=message,
        author=shown_author(message),
        real_author=message.author.display_name if moderator and message.as_alias else None,
        html="" if removed else to_html(message.body),
        removed=removed,
        hidden=message.hidden_at is not None,
        mine=message.author_id == viewer.pk,
        parent_id=message.parent_id,
        parent_author=shown_author(parent) if parent is not None else None,
    )


def thread_lines(thread: Thread, viewer: User, *, moderator: bool) -> list[MessageLine]:
    """Three queries however long the thread is: the messages with their
    authors (and their parents'), and every reaction count with the viewer's
    own in one grouped query."""
    space: Space = thread.space
    messages = list(
        _visible(thread, moderator=moderator)
        .select_related("author", "parent__author")
        .order_by("created_at", "pk")
    )
    tallies = (
        Reaction.objects.filter(message__thread=thread)
        .values("message_id", "kind")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user=viewer)))
    )
    counts: dict[int, dict[str, int]] = {}
    own: dict[int, set[str]] = {}
    for row in tallies:
        counts.setdefault(row["message_id"], {})[row["kind"]] = row["n"]
        if row["mine"]:
            own.setdefault(row["message_id"], set()).add(row["kind"])
    lines = []
    for message in messages:
        message.space = space
        if message.parent is not None:
            message.parent.space = space
        line = message_line(message, viewer, moderator=moderator)
        if not line.removed:
            line.reactions = reaction_buttons(
                counts.get(message.pk, {}), own.get(message.pk, set())
            )
        lines.append(line)
    return lines


def message_reactions(message: Message, viewer: User) -> list[ReactionButton]:
    counts: dict[str, int] = {}
    mine: set[str] = set()
    for kind, user_id in Reaction.objects.filter(message=message).values_list("kind", "user_id"):
        counts[kind] = counts.get(kind, 0) + 1
        if user_id == viewer.pk:
            mine.add(kind)
    return reaction_buttons(counts, mine)


@dataclass
class SpaceSummary:
    space: Space
    unread: int
    mentions: int


def space_summaries(viewer: User, spaces: list[Space]) -> list[SpaceSummary]:
    """Unread messages and unread mentions of this person, per space."""
    unread = unread_counts(viewer, spaces)
    marks = dict(
        ReadMark.objects.filter(user=viewer, space__in=spaces).values_list(
            "space_id", "last_read_message_id"
        )
    )
    mentions: dict[int, int] = {}
    for space_id, message_id in Mention.objects.filter(
        user=viewer,
        message__space__in=spaces,
        message__deleted_at__isnull=True,
        message__hidden_at__isnull=True,
    ).values_list("message__space_id", "message_id"):
        if message_id > marks.get(space_id, 0):
            mentions[space_id] = mentions.get(space_id, 0) + 1
    return [
        SpaceSummary(space=s, unread=unread.get(s.pk, 0), mentions=mentions.get(s.pk, 0))
        for s in spaces
    ]


def threads_of(space: Space) -> QuerySet[Thread]:
    return Thread.objects.filter(space=space).annotate(
        message_count=Count(
            "messages",
            filter=Q(messages__deleted_at__isnull=True, messages__hidden_at__isnull=True),
        )
    )
