"""Who matching considers, turned into the pure inputs of
``commonroom.matching.mentors.assign_mentors``, and a fingerprint of those
inputs so that a preview can be confirmed only while nothing changed.

Mentees: people with an open request who are still in the active cohort and
have no current mentor. Their languages, availability, affinity interests
(only if they chose to use them for matching) and mentor gender preference
come from their intake preferences; their faith or secular preference from
their profile; the lived experience they hope for from their request.

Mentors: active mentors with room (``max_mentees`` minus current mentees)
who have signed the current boundaries agreement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Count, Q
from django.utils import timezone

from commonroom.accounts.models import FaithPreference, User
from commonroom.care.models import (
    COHORT_PHASES,
    CoupleLink,
    DoNotPair,
    IntakePreferences,
    Program,
)
from commonroom.matching.compat import HOURS_PER_WEEK
from commonroom.matching.mentors import Mentee, Mentor, MentorResult, assign_mentors
from commonroom.peers.mentors.models import (
    BoundariesAgreement,
    MentorFaith,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorState,
    RequestStatus,
)


def weekly_utc_hours(
    windows: list[dict[str, object]], zone_name: str, *, week_of: dt.date
) -> frozenset[int]:
    """Weekly windows ({"day": 0-6, "start": "HH:MM", "end": "HH:MM"}, in the
    person's own time zone) as UTC hour-of-week slots 0..167, for the week
    starting on the Monday of ``week_of`` (so daylight saving is that week's).
    An hour counts when the window covers any part of it."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    monday = week_of - dt.timedelta(days=week_of.weekday())
    slots: set[int] = set()
    for window in windows:
        try:
            day = int(str(window["day"]))
            start = dt.time.fromisoformat(str(window["start"]))
            end = dt.time.fromisoformat(str(window["end"]))
        except (KeyError, ValueError):
            continue
        date = monday + dt.timedelta(days=day)
        begin = dt.datetime.combine(date, start, tzinfo=zone).astimezone(dt.UTC)
        finish = dt.datetime.combine(date, end, tzinfo=zone).astimezone(dt.UTC)
        hour = begin.replace(minute=0, second=0, microsecond=0)
        while hour < finish:
            slots.add((hour.weekday() * 24 + hour.hour) % HOURS_PER_WEEK)
            hour += dt.timedelta(hours=1)
    return frozenset(slots)


def _mentee_faith(user: User) -> str:
    if user.faith_preference == FaithPreference.TRADITION:
        return user.faith_tradition.strip().lower() or FaithPreference.SPIRITUAL
    return str(user.faith_preference)


def _mentor_faith(profile: MentorProfile) -> str:
    if profile.faith == MentorFaith.TRADITION:
        return profile.faith_tradition.strip().lower() or MentorFaith.SPIRITUAL
    return str(profile.faith)


def current_agreement(program_id: int) -> BoundariesAgreement | None:
    return BoundariesAgreement.objects.filter(program_id=program_id).order_by("-version").first()


def open_requests(program: Program) -> list[MentorRequest]:
    return list(
        MentorRequest.objects.filter(
            program=program,
            status=RequestStatus.OPEN,
            mentee__is_active=True,
            mentee__enrollments__program=program,
            mentee__enrollments__phase__in=COHORT_PHASES,
        )
        .exclude(
            mentee__mentorships_as_mentee__in=Mentorship.objects.current().filter(program=program)
        )
        .select_related("mentee")
        .order_by("pk")
    )


@dataclass(frozen=True)
class MentorSlot:
    profile: MentorProfile
    room: int


def mentors_with_room(program: Program) -> list[MentorSlot]:
    agreement = current_agreement(program.pk)
    profiles = (
        MentorProfile.objects.filter(
            program=program, state=MentorState.ACTIVE, user__is_active=True, agreement=agreement
        )
        .annotate(current=Count("mentorships", filter=Q(mentorships__ended_at__isnull=True)))
        .select_related("user")
        .order_by("pk")
    )
    return [
        MentorSlot(profile=p, room=p.max_mentees - p.current)  # type: ignore[attr-defined]
        for p in profiles
        if p.max_mentees > p.current  # type: ignore[attr-defined]
    ]


@dataclass(frozen=True)
class Pool:
    program: Program
    requests: list[MentorRequest]
    mentors: list[MentorSlot]
    mentor_inputs: list[Mentor]
    mentee_inputs: list[Mentee]
    partners: set[frozenset[int]]
    do_not_pair: set[frozenset[int]]

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything the assignment depends on changes."""
        state = {
            "mentors": [repr(m) for m in self.mentor_inputs],
            "mentees": [repr(t) for t in self.mentee_inputs],
            "requests": [r.pk for r in self.requests],
            "partners": sorted(sorted(p) for p in self.partners),
            "do_not_pair": sorted(sorted(p) for p in self.do_not_pair),
        }
        return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[
            :32
        ]


def _sorted_frozen(values: object) -> frozenset[str]:
    if not isinstance(values, list):
        return frozenset()
    return frozenset(str(v) for v in values)


def build_pool(program: Program, *, today: dt.date | None = None) -> Pool:
    week_of = today or timezone.localdate()
    requests = open_requests(program)
    mentors = mentors_with_room(program)
    people = [r.mentee_id for r in requests] + [m.profile.user_id for m in mentors]
    prefs = {p.user_id: p for p in IntakePreferences.objects.filter(user_id__in=people)}

    def affinities(user_id: int) -> frozenset[str]:
        pref = prefs.get(user_id)
        if pref is None or not pref.use_affinities_for_matching:
            return frozenset()
        return _sorted_frozen(pref.affinity_interests)

    def hours(user: User) -> frozenset[int]:
        pref = prefs.get(user.pk)
        if pref is None or not isinstance(pref.availability, list):
            return frozenset()
        return weekly_utc_hours(pref.availability, user.time_zone, week_of=week_of)

    mentor_inputs = [
        Mentor(
            id=slot.profile.user_id,
            capacity=slot.room,
            languages=_sorted_frozen(slot.profile.languages),
            gender=slot.profile.gender,
            faith=_mentor_faith(slot.profile),
            availability=hours(slot.profile.user),
            lived_experience=_sorted_frozen(slot.profile.lived_experience),
            affinities=affinities(slot.profile.user_id),
        )
        for slot in mentors
    ]
    mentee_inputs = []
    for request in requests:
        pref = prefs.get(request.mentee_id)
        languages = _sorted_frozen(pref.languages) if pref else frozenset()
        mentee_inputs.append(
            Mentee(
                id=request.mentee_id,
                languages=languages,
                # Someone who speaks one language only must be mentored in it.
                needs_language=next(iter(languages)) if len(languages) == 1 else None,
                mentor_gender_preference=(pref.mentor_gender_preference or None) if pref else None,
                faith=_mentee_faith(request.mentee),
                availability=hours(request.mentee),
                lived_experience_wanted=_sorted_frozen(request.lived_experience_wanted),
                affinities=affinities(request.mentee_id),
            )
        )
    partners = {
        frozenset(pair)
        for pair in CoupleLink.objects.filter(program=program).values_list(
            "person_a_id", "person_b_id"
        )
    }
    do_not_pair = {
        frozenset(pair)
        for pair in DoNotPair.objects.filter(program=program).values_list(
            "person_a_id", "person_b_id"
        )
    }
    return Pool(
        program=program,
        requests=requests,
        mentors=mentors,
        mentor_inputs=mentor_inputs,
        mentee_inputs=mentee_inputs,
        partners=partners,
        do_not_pair=do_not_pair,
    )


def run(pool: Pool) -> MentorResult:
    """Deterministic for a given pool: the seed is the program's id."""
    return assign_mentors(
        mentors=pool.mentor_inputs,
        mentees=pool.mentee_inputs,
        partners=pool.partners,
        do_not_pair=pool.do_not_pair,
        seed=pool.program.pk,
    )
