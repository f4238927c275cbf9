"""Sharing prompts for a session: which ones to suggest, and a starter library.

Suggestions are a pure function of the prompts, the group's past uses and the
day, so the facilitator console, the API and the tests agree.

The rule, in order of strength:

1. Hard limits. Only library prompts and the facilitator's own are offered
   (another facilitator's prompts are private to them). A prompt this group
   used fewer than ``recent_days`` days ago, or has planned for a later day,
   is never offered: with the default 56, a prompt used on a Monday is
   available again on the Monday eight weeks later.
2. Wanted tags: more matching tags first.
3. Variety: each pick prefers prompts whose other tags are not yet covered by
   earlier picks, so five suggestions do not all circle one theme. Tags that
   were asked for do not count as repeats ("unless asked").
4. Never used with this group, then least recently used.
5. A seeded hash of the prompt id breaks the remaining ties, so the result is
   the same for a seed whatever the input order, and another seed shows other
   prompts of equal merit.

Each suggestion carries the facts behind it and an English reason; the Django
side can rebuild a translated reason from the facts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Prompt:
    id: int
    tags: frozenset[str]
    owner_id: int | None  # None: the program's library; otherwise a facilitator's own


@dataclass(frozen=True, slots=True)
class Used:
    """A group used a prompt on a day (a future day means it is planned)."""

    prompt_id: int
    used_on: date


@dataclass(frozen=True, slots=True)
class Suggestion:
    prompt_id: int
    matched_tags: frozenset[str]
    days_since_used: int | None  # None: never used with this group
    own: bool  # the facilitator's own prompt

    @property
    def reason(self) -> str:
        parts = []
        if self.matched_tags:
            parts.append("matches: " + ", ".join(sorted(self.matched_tags)))
        if self.days_since_used is None:
            parts.append("never used with this group")
        else:
            unit = "day" if self.days_since_used == 1 else "days"
            parts.append(f"last used {self.days_since_used} {unit} ago")
        if self.own:
            parts.append("your own prompt")
        return "; ".join(parts)


def suggest_prompts(
    *,
    prompts: Sequence[Prompt],
    used: Sequence[Used],
    today: date,
    wanted_tags: frozenset[str] = frozenset(),
    facilitator_id: int | None = None,
    limit: int = 5,
    recent_days: int = 56,
    seed: int = 0,
) -> list[Suggestion]:
    """Up to ``limit`` prompts for this group's next session, best first."""
    if limit < 0:
        raise ValueError("limit must not be negative")
    if recent_days < 0:
        raise ValueError("recent_days must not be negative")
    seen: set[int] = set()
    for prompt in prompts:
        if prompt.id in seen:
            raise ValueError(f"prompt {prompt.id} appears twice")
        seen.add(prompt.id)

    last_used: dict[int, date] = {}
    for use in used:
        if use.prompt_id not in last_used or use.used_on > last_used[use.prompt_id]:
            last_used[use.prompt_id] = use.used_on

    pool: list[Suggestion] = []
    tags_of: dict[int, frozenset[str]] = {}
    for prompt in prompts:
        if prompt.owner_id is not None and prompt.owner_id != facilitator_id:
            continue
        when = last_used.get(prompt.id)
        days = None if when is None else (today - when).days
        if days is not None and days < recent_days:
            continue
        tags_of[prompt.id] = prompt.tags
        pool.append(
            Suggestion(
                prompt_id=prompt.id,
                matched_tags=prompt.tags & wanted_tags,
                days_since_used=days,
                own=prompt.owner_id is not None,
            )
        )

    picked: list[Suggestion] = []
    covered: set[str] = set()
    while pool and len(picked) < limit:
        # Greedy, because variety depends on what is already picked.
        best = min(
            pool,
            key=lambda s: (
                -len(s.matched_tags),
                len((tags_of[s.prompt_id] - wanted_tags) & covered),
                s.days_since_used is not None,
                -(s.days_since_used or 0),
                _tiebreak(seed, s.prompt_id),
                s.prompt_id,
            ),
        )
        pool.remove(best)
        picked.append(best)
        covered |= tags_of[best.prompt_id]
    return picked


def _tiebreak(seed: int, prompt_id: int) -> bytes:
    # A hash rather than a shuffled list: it does not depend on input order.
    return hashlib.blake2b(f"{seed}:{prompt_id}".encode(), digest_size=8).digest()


# -- the starter library ------------------------------------------------------

TAGS: frozenset[str] = frozenset(
    {
        "boundaries",
        "change",
        "connection",
        "emotions",
        "gratitude",
        "grief",
        "hope",
        "identity",
        "joy",
        "relationships",
        "self-care",
        "self-compassion",
        "shame",
        "triggers",
        "values",
    }
)


@dataclass(frozen=True, slots=True)
class LibraryPrompt:
    """A prompt the program starts with. ``key`` is stable so seeding is
    idempotent and a later wording fix updates the row instead of adding one."""

    key: str
    text: str
    tags: frozenset[str]


def gettext_noop(message: str) -> str:
    """Marks a library text for translation (``makemessages`` finds it by this
    name) without importing Django; the text stays English here and is
    translated where it is shown (SharingPrompt.shown_text)."""
    return message


def _lib(key: str, text: str, *tags: str) -> LibraryPrompt:
    return LibraryPrompt(key=key, text=text, tags=frozenset(tags))


# Written to be invitational: every prompt can be answered briefly or passed,
# asks about coping, strengths and the present rather than the details of use
# or of harm, and never asks anyone to name other people.
STARTER_LIBRARY: tuple[LibraryPrompt, ...] = (
    _lib(
        "grateful-this-week",
        gettext_noop("What is one thing you are grateful for this week, however small?"),
        "gratitude",
    ),
    _lib(
        "kindness-received",
        gettext_noop(
            "Has someone shown you kindness lately? If you would like to, share what they "
            "did and how it felt to receive it."
        ),
        "gratitude",
        "relationships",
    ),
    _lib(
        "appreciate-yourself",
        gettext_noop(
            "What is something you did for yourself this week that you can appreciate, even"
            " if it felt ordinary?"
        ),
        "gratitude",
        "self-compassion",
    ),
    _lib(
        "craving-passed",
        gettext_noop("Describe a moment this week when a craving passed. What helped?"),
        "triggers",
        "hope",
    ),
    _lib(
        "early-warning-sign",
        gettext_noop(
            "What is one early sign that tells you a hard day might be coming? Share only "
            "as much as feels comfortable."
        ),
        "triggers",
        "self-care",
    ),
    _lib(
        "coping-tool",
        gettext_noop(
            "What is one coping tool that has helped you lately, even a little? Others in "
            "the group might like to try it too."
        ),
        "triggers",
        "self-care",
    ),
    _lib(
        "challenge-ahead",
        gettext_noop(
            "Is there a situation in the next few weeks that might be challenging? If you "
            "feel comfortable, share one thing you could do to look after yourself in it."
        ),
        "triggers",
        "boundaries",
    ),
    _lib(
        "noticing-stress",
        gettext_noop(
            "Where do you tend to notice stress first: in your thoughts, your body or what "
            "you do? What helps when you notice it?"
        ),
        "triggers",
        "emotions",
    ),
    _lib(
        "not-the-only-one",
        gettext_noop(
            "Shame can tell us we are the only one who feels a certain way. If you feel "
            "comfortable, share a time you found out someone else had felt the same."
        ),
        "shame",
        "connection",
    ),
    _lib(
        "friend-voice",
        gettext_noop(
            "If a good friend were carrying what you carry, what would you say to them? "
            "Could you offer some of those words to yourself?"
        ),
        "shame",
        "self-compassion",
    ),
    _lib(
        "grown-from",
        gettext_noop(
            "Think of a mistake you have grown from. Without any details you would rather "
            "keep to yourself, what did it teach you?"
        ),
        "shame",
        "change",
    ),
    _lib(
        "reach-out",
        gettext_noop(
            "Who is someone you can reach out to when things get hard? If no one comes to "
            "mind yet, what might help you build that kind of connection?"
        ),
        "relationships",
        "connection",
    ),
    _lib(
        "boundary-kept",
        gettext_noop(
            "Have you set or kept a boundary recently, big or small? If you would like to, "
            "share how it felt."
        ),
        "boundaries",
        "relationships",
    ),
    _lib(
        "relationship-hope",
        gettext_noop(
            "Is there a relationship you would like to tend to? There is no need to name "
            "anyone; you might share what you hope for it."
        ),
        "relationships",
        "hope",
    ),
    _lib(
        "group-appreciation",
        gettext_noop("What is something you have noticed or appreciated about this group?"),
        "connection",
        "gratitude",
    ),
    _lib(
        "beyond-recovery",
        gettext_noop("Outside of recovery, what is something you enjoy or are curious about?"),
        "identity",
        "joy",
    ),
    _lib(
        "value-in-action",
        gettext_noop(
            "What is one value that matters to you, and where did you see it in your week?"
        ),
        "values",
        "identity",
    ),
    _lib(
        "quiet-strength",
        gettext_noop("What is a strength of yours that others might not notice right away?"),
        "identity",
        "self-compassion",
    ),
    _lib(
        "a-year-from-now",
        gettext_noop("What words would you like to describe yourself a year from now?"),
        "identity",
        "hope",
    ),
    _lib(
        "someone-you-miss",
        gettext_noop(
            "If you would like to, share something or someone you miss, and something of "
            "theirs you carry with you."
        ),
        "grief",
    ),
    _lib(
        "letting-go",
        gettext_noop(
            "Recovery can mean letting go of people, places or habits. Is there anything "
            "you are saying goodbye to right now? Share only what feels right."
        ),
        "grief",
        "change",
    ),
    _lib(
        "comfort-when-sad",
        gettext_noop("When you feel sad, what brings you even a little comfort?"),
        "grief",
        "self-care",
    ),
    _lib(
        "looking-forward",
        gettext_noop(
            "What is something you are looking forward to, in the next week or the next year?"
        ),
        "hope",
        "joy",
    ),
    _lib(
        "something-different",
        gettext_noop(
            "Compared with when you started here, what is one thing that is different for "
            "you, even slightly?"
        ),
        "hope",
        "change",
    ),
    _lib(
        "first-day-message",
        gettext_noop(
            "What would you like to tell someone on their first day in a group like this one?"
        ),
        "hope",
        "connection",
    ),
    _lib(
        "resting",
        gettext_noop("How are you resting these days? What might help you rest a little more?"),
        "self-care",
    ),
    _lib(
        "small-step",
        gettext_noop("What is one small step you would like to take before we meet again?"),
        "change",
        "hope",
    ),
    _lib(
        "hard-thing-done",
        gettext_noop("Think of something hard you did recently. What helped you get through it?"),
        "change",
        "self-compassion",
    ),
    _lib(
        "week-as-weather",
        gettext_noop(
            "If your week were weather, what would it be? Say as much or as little about "
            "why as you like."
        ),
        "emotions",
    ),
    _lib(
        "naming-a-feeling",
        gettext_noop(
            "What is one feeling you have noticed often this week? Naming it is enough; you"
            " do not need to explain it."
        ),
        "emotions",
        "self-compassion",
    ),
    _lib(
        "moment-of-joy",
        gettext_noop("When did you last laugh or feel at ease, even for a moment?"),
        "joy",
        "gratitude",
    ),
    _lib(
        "values-choice",
        gettext_noop(
            "Was there a moment this week when you made a choice that fits the person you "
            "want to be? If you feel comfortable, tell us about it."
        ),
        "values",
        "change",
    ),
)
