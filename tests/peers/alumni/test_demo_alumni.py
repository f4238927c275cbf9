"""The demo's alumni: a reunion coming up with RSVPs, an alumni-led
workshop, and volunteer opportunities with sign-ups."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.gatherings import occurrences
from commonroom.gatherings.models import Gathering, Rsvp
from commonroom.peers.alumni.models import VolunteerOpportunity, VolunteerSignup
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock() -> None:
    """The demo seeds relative to today."""


def test_the_demo_alumnus_has_a_reunion_coming_up() -> None:
    call_command("seed_demo")
    reunion = Gathering.objects.get(title="Monthly alumni reunion")
    now = timezone.now()
    first = occurrences.upcoming(reunion, now=now)[0]
    assert now + timedelta(days=6) < first.starts_at < now + timedelta(days=8)
    assert reunion.recurrence.startswith("FREQ=MONTHLY;BYDAY=")
    assert Rsvp.objects.filter(gathering=reunion, response="going").count() == 2
    workshop = Gathering.objects.get(kind="workshop")
    assert workshop.host is not None
    assert workshop.host.email == "alumni@demo.test"
    assert VolunteerOpportunity.objects.count() == 2
    assert VolunteerSignup.objects.filter(status="confirmed").count() == 1

    alumnus = User.objects.get(email="alumni@demo.test")
    html = signed_in_client(alumnus).get("/alumni/").content.decode()
    for text in ("Monthly alumni reunion", "Speak on the family-night panel", "Alumni lounge"):
        assert text in html
    participant = User.objects.get(email="participant@demo.test")
    listed = signed_in_client(participant).get("/gatherings/").content.decode()
    assert "Monthly alumni reunion" not in listed
    assert "Life after IOP" in listed


def test_seeding_twice_adds_no_second_reunion() -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert Gathering.objects.filter(title="Monthly alumni reunion").count() == 1
    assert Rsvp.objects.count() == 5
