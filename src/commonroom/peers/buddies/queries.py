"""Reads for the buddy pages: a person's own buddy state, and pair health
for staff (check-ins kept against expected, last contact, repeated misses)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, QuerySet
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.peers.buddies import rhythm
from commonroom.peers.buddies.models import (
    BuddyMembership,
    BuddyMiss,
    BuddyOptIn,
    BuddyPair,
    BuddyRequest,
    Rhythm,
)
from commonroom.peers.buddies.tasks import buddy_checkin_days
from commonroom.spaces.checkins import zone_of
from commonroom.spaces.models import Message

HEALTH_DAYS = 14
# Shown on the facilitator's list: this many misses by one member within
# the last week (daily) or two weeks (every other day).
REPEATED_MISSES = 3


def repeated_window_days(rhythm_value: str) -> int:
    return 7 * Rhythm(rhythm_value).days


@dataclass
class MemberHealth:
    user: User
    kept: int
    expected: int
    recent_misses: int

    @property
    def repeated(self) -> bool:
        return self.recent_misses >= REPEATED_MISSES


@dataclass
class PairHealth:
    pair: BuddyPair
    members: list[MemberHealth] = field(default_factory=list)
    last_contact: dt.datetime | None = None

    @property
    def kept(self) -> int:
        return sum(m.kept for m in self.members)

    @property
    def expected(self) -> int:
        return sum(m.expected for m in self.members)

    @property
    def repeated(self) -> bool:
        return any(m.repeated for m in self.members)


def member_health(
    pair: BuddyPair, membership: BuddyMembership, *, now: dt.datetime
) -> MemberHealth:
    zone = zone_of(membership.user)
    today = now.astimezone(zone).date()
    horizon = today - dt.timedelta(days=HEALTH_DAYS + 1)
    windows = rhythm.ended_windows(
        since=pair.rhythm_since,
        days=Rhythm(pair.rhythm).days,
        zone=zone,
        today=today,
        after=horizon,
    )
    days = buddy_checkin_days(membership, since=horizon)
    kept = sum(1 for window in windows if rhythm.kept(window, days))
    misses = BuddyMiss.objects.filter(
        membership=membership,
        window_end__gte=today - dt.timedelta(days=repeated_window_days(pair.rhythm)),
    ).count()
    return MemberHealth(
        user=membership.user, kept=kept, expected=len(windows), recent_misses=misses
    )


def pair_health(pairs: QuerySet[BuddyPair], *, now: dt.datetime | None = None) -> list[PairHealth]:
    now = now or timezone.now()
    pairs = pairs.select_related("space").order_by("ended_at", "-formed_at", "-pk")
    last = dict(
        Message.objects.filter(space__buddy_pair__in=pairs)
        .values("space_id")
        .annotate(at=Max("created_at"))
        .values_list("space_id", "at")
    )
    rows = []
    for pair in pairs:
        row = PairHealth(pair=pair, last_contact=last.get(pair.space_id))
        for membership in BuddyMembership.objects.filter(pair=pair).select_related("user"):
            row.members.append(member_health(pair, membership, now=now))
        rows.append(row)
    return rows


@dataclass
class MyBuddy:
    program: Program | None
    opt_in: BuddyOptIn | None
    request: BuddyRequest | None
    pair: BuddyPair | None
    buddies: list[User]
    ended_notice: BuddyMembership | None  # the other buddy ended it; offer a new one
    nudged: bool  # a check-in window was missed in the pair lately


def my_buddy(user: User, program: Program | None, *, now: dt.datetime | None = None) -> MyBuddy:
    now = now or timezone.now()
    if program is None:
        return MyBuddy(None, None, None, None, [], None, False)
    opt_in = BuddyOptIn.objects.filter(user=user, program=program).first()
    request = BuddyRequest.objects.filter(
        user=user, program=program, closed_at__isnull=True
    ).first()
    membership = (
        BuddyMembership.objects.filter(user=user, program=program, ended_at__isnull=True)
        .select_related("pair", "pair__space")
        .first()
    )
    pair = membership.pair if membership else None
    buddies: list[User] = []
    nudged = False
    if pair is not None:
        buddies = [
            m.user
            for m in BuddyMembership.objects.filter(pair=pair)
            .exclude(user=user)
            .select_related("user")
        ]
        nudged = BuddyMiss.objects.filter(
            membership__pair=pair, created_at__gte=now - dt.timedelta(days=2)
        ).exists()
    ended_notice = None
    if pair is None and request is None:
        ended_notice = (
            BuddyMembership.objects.filter(
                user=user, program=program, notice_answered_at__isnull=True
            )
            .exclude(pair__ended_by=user)
            .filter(pair__ended_at__isnull=False)
            .select_related("pair")
            .order_by("-pair__ended_at")
            .first()
        )
    return MyBuddy(program, opt_in, request, pair, buddies, ended_notice, nudged)


def waiting(program_ids: set[int]) -> tuple[QuerySet[BuddyRequest], QuerySet[BuddyOptIn]]:
    """Open requests, and consenting people without a current pair."""
    requests = (
        BuddyRequest.objects.filter(program_id__in=program_ids, closed_at__isnull=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    paired = BuddyMembership.objects.filter(ended_at__isnull=True).values("user_id")
    opt_ins = (
        BuddyOptIn.objects.filter(program_id__in=program_ids, withdrawn_at__isnull=True)
        .exclude(user_id__in=paired)
        .select_related("user")
        .order_by("opted_in_at", "pk")
    )
    return requests, opt_ins


def waiting_for(viewer: User) -> tuple[QuerySet[BuddyRequest], QuerySet[BuddyOptIn]]:
    """Waiting requests and opt-ins of the people this person is staff for:
    their programs' (admins), their groups' members (facilitators)."""
    from django.db.models import Q

    from commonroom.core import access as core_access

    programs = core_access.administered_program_ids(viewer)
    groups = core_access.facilitated_group_ids(viewer)
    mine = Q(program_id__in=programs) | Q(
        user__group_memberships__group_id__in=groups,
        user__group_memberships__left_at__isnull=True,
    )
    requests, opt_ins = waiting(set(Program.objects.values_list("pk", flat=True)))
    return requests.filter(mine).distinct(), opt_ins.filter(mine).distinct()


def record_health_read(viewer: User, rows: list[PairHealth]) -> None:
    """Check-in habits are about people's care: one audit entry per person
    whose pair health a staff member read."""
    from django.db import transaction

    from commonroom.core.audit import AuditAction, audited_read

    with transaction.atomic():
        for row in rows:
            for member in row.members:
                audited_read(
                    viewer,
                    action=AuditAction.BUDDIES_HEALTH_READ,
                    subject=member.user,
                    obj=row.pair,
                )
