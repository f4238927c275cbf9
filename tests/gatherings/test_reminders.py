"""The day-before reminder: only to people going, says nothing about the
gathering, mailed once whatever the number of runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.tasks import default_task_backend, task_backends

from commonroom.accounts.models import User
from commonroom.gatherings.actions import do_cancel_occurrence, do_rsvp
from commonroom.gatherings.models import Gathering, Rsvp
from commonroom.gatherings.tasks import enqueue_due_reminders, send_gathering_reminder
from tests.conftest import Api
from tests.gatherings.conftest import FIRST_REUNION

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]
BASE = "https://cr.example/"
DAY_BEFORE = "2026-11-12T03:00Z"  # 22 hours before 01:00 UTC on the 13th


def going(gathering: Gathering, user: User, response: str = "going") -> Rsvp:
    return do_rsvp(
        gathering=gathering,
        user=user,
        occurrence_date=FIRST_REUNION,
        response=response,
        base_url=BASE,
    )


def test_nothing_is_due_a_week_ahead(reunion: Gathering, alumnus: User) -> None:
    going(reunion, alumnus)
    assert enqueue_due_reminders(now=reunion.starts_at.replace(day=5), base_url=BASE) == 0
    assert mail.outbox == []


def test_the_day_before_people_going_get_a_reminder_without_the_title(
    reunion: Gathering, alumnus: User, mentor: User, frozen_clock: Any
) -> None:
    going(reunion, alumnus)
    going(reunion, mentor, "maybe")
    frozen_clock.move_to(DAY_BEFORE)
    from django.utils import timezone

    assert enqueue_due_reminders(now=timezone.now(), base_url=BASE) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [alumnus.email]
    assert "You have a Commonroom gathering tomorrow." in sent.body
    assert f"https://cr.example/gatherings/{reunion.pk}/" in sent.body
    for secret in ("reunion", "Reunion", "alumni", "Alumni", "Evening IOP", "video.example"):
        assert secret not in sent.body
        assert secret not in sent.subject


def test_running_again_mails_nobody_twice(
    reunion: Gathering, alumnus: User, frozen_clock: Any
) -> None:
    rsvp = going(reunion, alumnus)
    frozen_clock.move_to(DAY_BEFORE)
    from django.utils import timezone

    enqueue_due_reminders(now=timezone.now(), base_url=BASE)
    assert enqueue_due_reminders(now=timezone.now(), base_url=BASE) == 0
    # A retried job for the same RSVP does nothing either.
    send_gathering_reminder.enqueue(rsvp.pk, BASE)
    assert len(mail.outbox) == 1
    rsvp.refresh_from_db()
    assert rsvp.reminded_at is not None


def test_a_change_of_mind_or_a_cancelled_date_stops_the_reminder(
    reunion: Gathering, alumnus: User, mentor: User, admin: User, frozen_clock: Any
) -> None:
    going(reunion, alumnus)
    going(reunion, alumnus, "not_going")
    going(reunion, mentor)
    do_cancel_occurrence(gathering=reunion, occurrence_date=FIRST_REUNION, cancelled_by=admin)
    frozen_clock.move_to(DAY_BEFORE)
    from django.utils import timezone

    assert enqueue_due_reminders(now=timezone.now(), base_url=BASE) == 0
    assert mail.outbox == []


def test_someone_who_lost_access_is_not_reminded(
    reunion: Gathering, alumnus: User, frozen_clock: Any
) -> None:
    rsvp = going(reunion, alumnus)
    alumnus.enrollments.update(phase="discharged")
    frozen_clock.move_to(DAY_BEFORE)
    send_gathering_reminder.enqueue(rsvp.pk, BASE)
    assert mail.outbox == []


@pytest.fixture
def deferring_backend(settings: Any) -> Any:
    """A backend that can run jobs later, like the database backend (Django
    resets its task backends when TASKS changes)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    # Enqueued inside the transaction, as with the database backend.
    settings.TASK_BACKEND_NAME = "database"
    return task_backends["default"]


def test_going_enqueues_the_reminder_for_a_day_before_in_the_transaction(
    reunion: Gathering, alumnus: User, deferring_backend: Any
) -> None:
    assert default_task_backend.supports_defer
    rsvp = going(reunion, alumnus)
    results = deferring_backend.results
    assert len(results) == 1
    assert results[0].task.func is send_gathering_reminder.func
    assert results[0].task.run_after is not None
    assert results[0].args == [rsvp.pk, BASE]
    assert results[0].task.run_after.isoformat() == "2026-11-12T01:00:00+00:00"
    going(reunion, alumnus, "going")  # no second job for the same answer
    assert len(deferring_backend.results) == 1


def test_the_hourly_command_queues_what_is_due(
    reunion: Gathering, alumnus: User, frozen_clock: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    going(reunion, alumnus)
    frozen_clock.move_to(DAY_BEFORE)
    out = StringIO()
    call_command("send_gathering_reminders", "--base-url", "https://cr.example", stdout=out)
    assert out.getvalue().strip() == "queued 1 reminder job(s)"
    assert len(mail.outbox) == 1
