from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import TherapyGroup
from commonroom.meetings.models import Session, SessionSeries


@pytest.fixture
def series(group: TherapyGroup, admin: User) -> SessionSeries:
    """Mon/Wed/Thu 18:00-21:00 in the program's zone (America/Chicago)."""
    from commonroom.meetings.scheduling import do_create_series

    return do_create_series(
        group=group,
        created_by=admin,
        title="Evening group",
        rule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        start_date=timezone.localdate() - timedelta(days=14),
        local_start=time(18, 0),
        duration_minutes=180,
    )


_ORIGINAL_DATES = itertools.count()


def make_session(series: SessionSeries, *, starts_at: datetime, minutes: int = 180) -> Session:
    """A session at a chosen time (past ones the schedule no longer creates)."""
    return Session.objects.create(
        series=series,
        # A date the rule never produces, so it cannot clash with the series' own rows.
        original_date=date(2000, 1, 1) + timedelta(days=next(_ORIGINAL_DATES)),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
    )


@pytest.fixture
def past_session(series: SessionSeries) -> Session:
    return make_session(series, starts_at=timezone.now() - timedelta(hours=5))


@pytest.fixture
def live_session(series: SessionSeries) -> Session:
    return make_session(series, starts_at=timezone.now() - timedelta(minutes=5))
