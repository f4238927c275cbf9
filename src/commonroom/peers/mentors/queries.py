"""Reads for the mentor pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.matching.mentors import MENTOR_FACTOR_LABELS
from commonroom.peers.mentors import pool as mentor_pool
from commonroom.peers.mentors.models import (
    MentorProfile,
    MentorRequest,
    Mentorship,
    RequestStatus,
    TrainingItem,
    TrainingTopic,
)


def explanation_lines(explanation: dict[str, Any]) -> list[tuple[str, float]]:
    """(translated reason, points), largest first."""
    from django.utils.translation import gettext

    lines = [
        (gettext(MENTOR_FACTOR_LABELS.get(key, key)), float(points))
        for key, points in explanation.items()
    ]
    return sorted(lines, key=lambda line: -line[1])


@dataclass
class RosterLine:
    profile: MentorProfile
    training_done: int
    training_total: int
    agreement_current: bool
    mentees: list[User]


def roster(program: Program) -> list[RosterLine]:
    current = mentor_pool.current_agreement(program.pk)
    profiles = (
        MentorProfile.objects.filter(program=program)
        .select_related("user", "agreement")
        .prefetch_related(
            "training",
            Prefetch(
                "mentorships",
                queryset=Mentorship.objects.current().select_related("mentee"),
                to_attr="current_mentorships",
            ),
        )
        .order_by("state", "user__display_name", "pk")
    )
    lines = []
    for profile in profiles:
        items: list[TrainingItem] = list(profile.training.all())
        lines.append(
            RosterLine(
                profile=profile,
                training_done=sum(1 for i in items if i.confirmed_at is not None),
                training_total=len(TrainingTopic.values),
                agreement_current=current is not None and profile.agreement_id == current.pk,
                mentees=[m.mentee for m in profile.current_mentorships],  # type: ignore[attr-defined]
            )
        )
    return lines


def open_requests(program: Program) -> list[MentorRequest]:
    return list(
        MentorRequest.objects.filter(program=program, status=RequestStatus.OPEN)
        .select_related("mentee")
        .order_by("created_at", "pk")
    )


def my_mentorships_as_mentor(user: User) -> list[Mentorship]:
    return list(
        Mentorship.objects.current()
        .filter(mentor=user, mentor_profile__state="active")
        .select_related("mentee", "space", "program")
    )


def my_mentorship_as_mentee(user: User) -> list[Mentorship]:
    return list(
        Mentorship.objects.current()
        .filter(mentee=user)
        .select_related("mentor", "space", "program")
    )


@dataclass
class PreviewLine:
    mentor: User
    mentee: User
    explanation: dict[str, float]
    total: float

    @property
    def reasons(self) -> list[tuple[str, float]]:
        return explanation_lines(self.explanation)

    @property
    def key(self) -> str:
        return f"{self.mentor.pk}:{self.mentee.pk}"


@dataclass
class Preview:
    fingerprint: str
    lines: list[PreviewLine]
    unassigned: list[User]
    mentors_with_room: int


def preview(program: Program) -> Preview:
    pool = mentor_pool.build_pool(program)
    result = mentor_pool.run(pool)
    people = {r.mentee_id: r.mentee for r in pool.requests} | {
        s.profile.user_id: s.profile.user for s in pool.mentors
    }
    return Preview(
        fingerprint=pool.fingerprint,
        lines=[
            PreviewLine(
                mentor=people[m.mentor_id],
                mentee=people[m.mentee_id],
                explanation=m.explanation.as_dict(),
                total=m.explanation.total,
            )
            for m in result.matches
        ],
        unassigned=[people[i] for i in result.unassigned],
        mentors_with_room=len(pool.mentors),
    )
