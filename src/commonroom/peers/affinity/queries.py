"""Reads for the catalogue pages: each entry with the viewer's own standing,
the next sessions (times only), and the members for those who may see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch

from commonroom.accounts.models import User
from commonroom.care.models import GroupMembership
from commonroom.core import access as core_access
from commonroom.meetings.models import Session
from commonroom.peers.affinity import access
from commonroom.peers.affinity.models import AffinityGroup, JoinRequest, RequestStatus
from commonroom.spaces.models import Space

UPCOMING_SESSIONS = 3


class Standing:
    MEMBER = "member"
    PENDING = "pending"
    MAY_ASK = "may_ask"
    CLOSED = "closed"
    STAFF = "staff"
    NOT_RUNNING = "not_running"
    # Staff of the program who do not lead this group: they see what it is
    # for, never who belongs.
    VIEW_ONLY = "view_only"


@dataclass
class CatalogueLine:
    affinity: AffinityGroup
    standing: str
    pending_request: JoinRequest | None = None
    last_decision: JoinRequest | None = None
    upcoming: list[datetime] = field(default_factory=list)


def _upcoming(group_ids: list[int]) -> dict[int, list[datetime]]:
    """When the next sessions start: offered to everyone who sees the entry,
    as times only (rosters stay with the meetings app's access rules)."""
    times: dict[int, list[datetime]] = {}
    for group_id, starts_at in (
        Session.objects.upcoming()
        .filter(series__group_id__in=group_ids)
        .order_by("starts_at")
        .values_list("series__group_id", "starts_at")
    ):
        bucket = times.setdefault(group_id, [])
        if len(bucket) < UPCOMING_SESSIONS:
            bucket.append(starts_at)
    return times


def catalogue_for(
    viewer: User | AnonymousUser, *, only: AffinityGroup | None = None
) -> list[CatalogueLine]:
    """Each entry the viewer may see with their own standing, in a constant
    number of queries whatever the size of the catalogue."""
    visible = access.affinity_groups_visible_to(viewer).prefetch_related(
        Prefetch(
            "group__facilitators",
            queryset=User.objects.order_by("display_name", "pk"),
            to_attr="leads",
        )
    )
    if only is not None:
        visible = visible.filter(pk=only.pk)
    entries = list(visible.order_by("program_id", "position", "pk"))
    uid = core_access.viewer_id(viewer) if core_access.is_signed_in(viewer) else None
    member_of = core_access.cohort_group_ids(viewer)
    requests = list(
        JoinRequest.objects.filter(person_id=uid, affinity__in=entries).order_by("created_at")
    )
    pending = {r.affinity_id: r for r in requests if r.status == RequestStatus.PENDING}
    decided = {
        r.affinity_id: r
        for r in requests
        if r.status in (RequestStatus.APPROVED, RequestStatus.DECLINED)
    }
    upcoming = _upcoming([e.group_id for e in entries if e.group_id is not None])
    who = _Viewer(
        member_of=member_of,
        cohort_programs=access.cohort_program_ids(viewer),
        admin_programs=core_access.administered_program_ids(viewer),
        leads=core_access.facilitated_group_ids(viewer),
        pending=pending,
    )
    lines = []
    for entry in entries:
        lines.append(
            CatalogueLine(
                affinity=entry,
                standing=standing_of(entry, who),
                pending_request=pending.get(entry.pk),
                last_decision=decided.get(entry.pk),
                upcoming=upcoming.get(entry.group_id or 0, []),
            )
        )
    return lines


@dataclass(frozen=True)
class _Viewer:
    """What the standing of every entry depends on, read once."""

    member_of: set[int]
    cohort_programs: set[int]
    admin_programs: set[int]
    leads: set[int]
    pending: dict[int, JoinRequest]


def standing_of(entry: AffinityGroup, who: _Viewer) -> str:
    """The same answers as access.may_ask_to_join and is_affinity_staff."""
    if entry.group_id is not None and entry.group_id in who.member_of:
        return Standing.MEMBER
    if entry.pk in who.pending:
        return Standing.PENDING
    if entry.program_id in who.cohort_programs:
        if entry.group_id is None:
            return Standing.NOT_RUNNING
        return Standing.MAY_ASK if entry.accepting_requests else Standing.CLOSED
    if entry.program_id in who.admin_programs or entry.group_id in who.leads:
        return Standing.STAFF
    return Standing.NOT_RUNNING if entry.group_id is None else Standing.VIEW_ONLY


def line_for(viewer: User | AnonymousUser, entry: AffinityGroup) -> CatalogueLine:
    lines = catalogue_for(viewer, only=entry)
    if not lines:
        raise LookupError(entry.pk)
    return lines[0]


@dataclass(frozen=True)
class Member:
    id: int
    display_name: str
    pronouns: str


def members_of(entry: AffinityGroup) -> list[Member]:
    """Callers check ``access.may_see_members`` first. Display name and
    pronouns only: peers never see more of each other."""
    if entry.group_id is None:
        return []
    rows = (
        core_access.cohort_memberships()
        .filter(group_id=entry.group_id)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )
    return [
        Member(id=m.user_id, display_name=m.user.display_name, pronouns=m.user.pronouns)
        for m in rows
        if m.user.is_active
    ]


def spaces_of(entry: AffinityGroup) -> list[Space]:
    if entry.group_id is None:
        return []
    return list(Space.objects.filter(group_id=entry.group_id).order_by("kind", "pk"))


def leads_of(entry: AffinityGroup) -> list[User]:
    """The staff who lead the group (prefetched by ``catalogue_for``)."""
    if entry.group is None:
        return []
    prefetched: list[User] | None = getattr(entry.group, "leads", None)
    if prefetched is not None:
        return prefetched
    return list(entry.group.facilitators.order_by("display_name", "pk"))


def is_member(user_id: int, entry: AffinityGroup) -> bool:
    return (
        entry.group_id is not None
        and GroupMembership.objects.filter(
            group_id=entry.group_id, user_id=user_id, left_at__isnull=True
        ).exists()
    )
