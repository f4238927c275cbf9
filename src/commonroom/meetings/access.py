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
from commonroom.care.models import TherapyGroup
from commonroom.core import access as core_access
from commonroom.meetings import queries
from commonroom.meetings.models import Attendance, Session, SessionSeries, SharingPrompt


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


def access_group_schedule(
    viewer: User | AnonymousUser, group_id: int, *, for_write: bool = False
) -> TherapyGroup:
    """A group's series. Reading them: whoever sees the group's sessions (the
    series only says when those are). Managing them, and the schedule page,
    which is the place to manage them: the program's admins."""
    group = care_access.access_group(viewer, group_id)
    if for_write and group.program_id not in core_access.administered_program_ids(viewer):
        raise Http404
    return group


def access_prompt(viewer: User | AnonymousUser, session: Session, prompt_id: int) -> SharingPrompt:
    """A prompt this session's staff may choose: the shared library's, the
    session's program's, or their own within that program."""
    prompt = SharingPrompt.objects.filter(pk=prompt_id).first()
    if (
        prompt is None
        or prompt.program_id not in {None, session.series.group.program_id}
        or prompt.owner_id not in {None, core_access.viewer_id(viewer)}
    ):
        raise Http404
    return prompt


def check_attendee(session: Session, user_id: int) -> None:
    """Attendance is kept for the session's roster, and for anyone already
    recorded (a person who has left the group since); nobody else is found."""
    if (
        user_id not in set(queries.roster_ids(session))
        and not Attendance.objects.filter(session=session, user_id=user_id).exists()
    ):
        raise Http404
