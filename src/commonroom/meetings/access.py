"""Who may see a session, join its video room, and run it.

Built on care's rules: a session belongs to a therapy group; its roster is
the group's active cohort; its staff are the group's facilitators and the
program's admins.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.core import access as core_access
from commonroom.meetings.models import Session, SessionSeries


def sessions_visible_to(viewer: User | AnonymousUser) -> QuerySet[Session]:
    groups = care_access.groups_visible_to(viewer)
    return Session.objects.filter(series__group__in=groups).select_related(
        "series", "series__group", "series__group__program"
    )


def series_visible_to(viewer: User | AnonymousUser) -> QuerySet[SessionSeries]:
    return SessionSeries.objects.filter(group__in=care_access.groups_visible_to(viewer))


def is_session_staff(viewer: User | AnonymousUser, session: Session) -> bool:
    return care_access.is_group_staff(viewer, session.series.group)


def access_session(
    viewer: User | AnonymousUser, session_id: int, *, for_write: bool = False
) -> Session:
    """Reading: the group's cohort and staff. Running it (attendance,
    breakouts, notes): the group's facilitators and program admins. A member
    who has not accepted the current agreement gets ``AgreementRequired``,
    on every page and operation alike."""
    session = sessions_visible_to(viewer).filter(pk=session_id).first()
    if session is None:
        raise Http404
    if for_write and not is_session_staff(viewer, session):
        raise Http404
    care_access.require_current_agreement(viewer, session.series.group.program_id)
    return session


def access_series(
    viewer: User | AnonymousUser, series_id: int, *, for_write: bool = False
) -> SessionSeries:
    series = (
        series_visible_to(viewer)
        .select_related("group", "group__program")
        .filter(pk=series_id)
        .first()
    )
    if series is None:
        raise Http404
    if for_write and series.group.program_id not in core_access.administered_program_ids(viewer):
        raise Http404
    return series


def on_roster(viewer: User | AnonymousUser, session: Session) -> bool:
    """The session's roster: the group's active cohort, today."""
    return session.series.group_id in core_access.cohort_group_ids(viewer)
