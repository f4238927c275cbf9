"""Reads across gatherings: a person's upcoming occurrences with their own
answer and the head count, and an occurrence's attendee list."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from commonroom.accounts.models import User
from commonroom.core import access as core_access
from commonroom.gatherings import access, occurrences
from commonroom.gatherings.models import Audience, Gathering, Rsvp, RsvpResponse

PER_GATHERING = 3
LIST_SHOWN = 50
ATTENDEES_SHOWN = 200


@dataclass(frozen=True, slots=True)
class OccurrenceRow:
    occurrence: occurrences.GatheringOccurrence
    my_response: str | None
    my_rsvp_id: int | None
    going: int

    @property
    def gathering(self) -> Gathering:
        return self.occurrence.gathering

    @property
    def spots_left(self) -> int | None:
        capacity = self.gathering.capacity
        return None if capacity is None else max(capacity - self.going, 0)

    @property
    def is_full(self) -> bool:
        return self.spots_left == 0


def not_over(gatherings: QuerySet[Gathering], *, now: datetime) -> QuerySet[Gathering]:
    """Gatherings that may still have an occurrence ahead (cheap pre-filter
    before expanding rules)."""
    yesterday = (now - timedelta(days=1)).date()
    return gatherings.filter(cancelled_at__isnull=True).filter(
        Q(recurrence="", starts_at__gte=now - timedelta(days=1))
        | (~Q(recurrence="") & (Q(repeat_until__isnull=True) | Q(repeat_until__gte=yesterday)))
    )


def rows_for(
    viewer: User | AnonymousUser,
    found: list[occurrences.GatheringOccurrence],
) -> list[OccurrenceRow]:
    if not found:
        return []
    gathering_ids = {o.gathering.pk for o in found}
    dates = {o.occurrence_date for o in found}
    going: Counter[tuple[int, date]] = Counter(
        Rsvp.objects.filter(
            gathering_id__in=gathering_ids, occurrence_date__in=dates, response=RsvpResponse.GOING
        ).values_list("gathering_id", "occurrence_date")
    )
    mine: dict[tuple[int, date], tuple[int, str]] = {}
    if core_access.is_signed_in(viewer):
        for rsvp in Rsvp.objects.filter(
            gathering_id__in=gathering_ids,
            occurrence_date__in=dates,
            user_id=core_access.viewer_id(viewer),
        ):
            mine[(rsvp.gathering_id, rsvp.occurrence_date)] = (rsvp.pk, rsvp.response)
    rows = []
    for o in found:
        key = (o.gathering.pk, o.occurrence_date)
        rsvp_id, response = mine.get(key, (None, None))
        rows.append(
            OccurrenceRow(occurrence=o, my_response=response, my_rsvp_id=rsvp_id, going=going[key])
        )
    return rows


def upcoming_for(
    viewer: User | AnonymousUser,
    *,
    now: datetime,
    program_ids: set[int] | None = None,
    audiences: set[str] | None = None,
    limit: int = LIST_SHOWN,
) -> list[OccurrenceRow]:
    """The next occurrences of every gathering the viewer may see, soonest
    first (at most three per gathering)."""
    gatherings = not_over(access.gatherings_visible_to(viewer), now=now).prefetch_related(
        "cancellations"
    )
    if program_ids is not None:
        gatherings = gatherings.filter(program_id__in=program_ids)
    if audiences is not None:
        gatherings = gatherings.filter(audience__in=audiences)
    found: list[occurrences.GatheringOccurrence] = []
    for gathering in gatherings:
        found.extend(occurrences.upcoming(gathering, now=now, limit=PER_GATHERING))
    found.sort(key=lambda o: (o.starts_at, o.gathering.pk))
    return rows_for(viewer, found[:limit])


def alumni_audiences() -> set[str]:
    return {Audience.ALUMNI, Audience.PROGRAM}


@dataclass(frozen=True, slots=True)
class Attendee:
    display_name: str
    response: str


def attendees(gathering: Gathering, day: date) -> list[Attendee]:
    """Display names of those going or maybe, nothing else: the caller has
    checked that the viewer may see the gathering."""
    rows = (
        Rsvp.objects.filter(
            gathering=gathering,
            occurrence_date=day,
            response__in=[RsvpResponse.GOING, RsvpResponse.MAYBE],
        )
        .select_related("user")
        .order_by("response", "user__display_name", "pk")[:ATTENDEES_SHOWN]
    )
    return [Attendee(display_name=r.user.display_name, response=r.response) for r in rows]
