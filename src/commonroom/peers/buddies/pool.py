"""From care data to the matcher and back: who is in a pairing run's pool,
what the matcher is told about each person, and the proposal staff review.

The matcher (matching/pairing.py) is pure; this module reads consent (the
person's own opt-in), activity (a cohort enrollment and an active account),
partners (couple links), do-not-pair entries, languages, weekly availability
in each person's own time zone, affinity interests only where the person
chose to use them for matching, program phase and check-in habits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import (
    COHORT_PHASES,
    CoupleLink,
    DoNotPair,
    Enrollment,
    GroupMembership,
    IntakePreferences,
    Program,
    TherapyGroup,
)
from commonroom.matching.compat import HOURS_PER_WEEK
from commonroom.matching.pairing import BuddyCandidate, BuddyResult, pair_buddies
from commonroom.peers.buddies.models import BuddyMembership, BuddyOptIn, BuddyRequest, PairingRun
from commonroom.spaces.checkins import zone_of
from commonroom.spaces.models import CheckIn

HABIT_DAYS = 14


def pool_ids(program: Program, group: TherapyGroup | None) -> list[int]:
    """People the run considers: the group's members (or the program's
    cohort), and anyone who opted in there, minus those already paired."""
    if group is not None:
        people = set(
            GroupMembership.objects.filter(group=group, left_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
    else:
        people = set(
            Enrollment.objects.filter(program=program, phase__in=COHORT_PHASES).values_list(
                "user_id", flat=True
            )
        )
        people |= set(
            BuddyOptIn.objects.filter(program=program, withdrawn_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
    paired = set(
        BuddyMembership.objects.filter(program=program, ended_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    return sorted(people - paired)


def utc_hours(windows: list[dict[str, object]], zone: ZoneInfo, *, now: dt.datetime) -> set[int]:
    """Weekly local windows as UTC hours of the week (0 = Monday 00:00 UTC),
    for the current week, so daylight saving time is the one in force."""
    local_now = now.astimezone(zone)
    monday = local_now.date() - dt.timedelta(days=local_now.weekday())
    hours: set[int] = set()
    for window in windows:
        try:
            day = int(str(window["day"]))
            start_h, _start_m = (int(x) for x in str(window["start"]).split(":"))
            end_h, end_m = (int(x) for x in str(window["end"]).split(":"))
        except (KeyError, ValueError):
            continue  # stored windows are validated; an odd one counts for nothing
        last = end_h if end_m == 0 else end_h + 1
        for hour in range(start_h, min(last, 24)):
            local = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour), zone)
            utc = local.astimezone(dt.UTC)
            hours.add((utc.weekday() * 24 + utc.hour) % HOURS_PER_WEEK)
    return hours


def candidates(program: Program, ids: list[int], *, now: dt.datetime) -> list[BuddyCandidate]:
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    phases = dict(
        Enrollment.objects.filter(program=program, user_id__in=ids).values_list("user_id", "phase")
    )
    consenting = set(
        BuddyOptIn.objects.filter(
            program=program, user_id__in=ids, withdrawn_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    prefs = {p.user_id: p for p in IntakePreferences.objects.filter(user_id__in=ids)}
    since = (now - dt.timedelta(days=HABIT_DAYS)).date()
    habits = dict(
        CheckIn.objects.filter(user_id__in=ids, program=program, local_date__gt=since)
        .values("user_id")
        .annotate(days=Count("local_date", distinct=True))
        .values_list("user_id", "days")
    )
    people = []
    for uid in ids:
        user = users[uid]
        pref = prefs.get(uid)
        languages = set(pref.languages) if pref and pref.languages else set()
        if not languages and user.preferred_language:
            languages = {user.preferred_language}
        people.append(
            BuddyCandidate(
                id=uid,
                consenting=uid in consenting,
                active=user.is_active and phases.get(uid) in COHORT_PHASES,
                languages=frozenset(languages),
                phase=str(phases.get(uid, "")),
                affinities_for_matching=frozenset(
                    pref.affinity_interests if pref and pref.use_affinities_for_matching else ()
                ),
                availability=frozenset(
                    utc_hours(pref.availability if pref else [], zone_of(user), now=now)
                ),
                checkin_rate=min(1.0, habits.get(uid, 0) / HABIT_DAYS),
            )
        )
    return people


def constraints(program: Program) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
    partners = [
        frozenset(pair)
        for pair in CoupleLink.objects.filter(program=program).values_list("person_a", "person_b")
    ]
    do_not_pair = [
        frozenset(pair)
        for pair in DoNotPair.objects.filter(program=program).values_list("person_a", "person_b")
    ]
    return partners, do_not_pair


@dataclass(frozen=True)
class Proposal:
    program: Program
    group: TherapyGroup | None
    seed: int
    result: BuddyResult
    people: dict[int, User]
    requests: set[int]
    fingerprint: str

    @property
    def considered(self) -> int:
        return (
            len(self.result.pairs) * 2 + len(self.result.trios) * 3 + len(self.result.offer_mentor)
        )


def _fingerprint(program: Program, people: list[BuddyCandidate], result: BuddyResult) -> str:
    """What the preview showed, and the state it was made from: a confirm
    that would form other pairs, or whose pool changed, gets another one."""
    last_run = (
        PairingRun.objects.filter(program=program).order_by("-pk").values_list("pk", flat=True)
    ).first()
    state = {
        "last_run": last_run,
        "pool": [[p.id, p.consenting, p.active] for p in people],
        "groups": [list(g.members) for g in result.groups],
        "offer_mentor": list(result.offer_mentor),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def propose(
    *, program: Program, group: TherapyGroup | None, seed: int, now: dt.datetime | None = None
) -> Proposal:
    now = now or timezone.now()
    ids = pool_ids(program, group)
    people = candidates(program, ids, now=now)
    partners, do_not_pair = constraints(program)
    result = pair_buddies(people=people, partners=partners, do_not_pair=do_not_pair, seed=seed)
    requests = set(
        BuddyRequest.objects.filter(
            program=program, user_id__in=ids, closed_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    return Proposal(
        program=program,
        group=group,
        seed=seed,
        result=result,
        people={u.pk: u for u in User.objects.filter(pk__in=ids)},
        requests=requests,
        fingerprint=_fingerprint(program, people, result),
    )


def record_preview(viewer: User, proposal: Proposal) -> None:
    """A preview reads the pool's matching preferences (care-team data)."""
    from commonroom.core.audit import AuditAction, audited_read

    audited_read(
        viewer,
        action=AuditAction.BUDDIES_PAIRING_PREVIEW,
        obj=proposal.group or proposal.program,
        detail={"people": sorted(proposal.people)},
    )
