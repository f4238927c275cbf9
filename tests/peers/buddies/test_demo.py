"""The demo's buddy pairs: a history of kept and missed check-ins, one pair
showing repeated misses to its facilitator, one open request; seeding again
changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from commonroom.accounts.models import User
from commonroom.peers.buddies import access, queries
from commonroom.peers.buddies.models import BuddyMiss, BuddyPair, BuddyRequest
from commonroom.spaces.models import CheckIn

pytestmark = pytest.mark.django_db


def test_the_demo_has_buddy_pairs_with_a_history() -> None:
    call_command("seed_demo")
    counts = (
        BuddyPair.objects.count(),
        CheckIn.objects.filter(audience="buddy").count(),
        BuddyMiss.objects.count(),
    )
    assert counts[0] == 3
    assert counts[1] > 20
    assert counts[2] > 0
    marcus = User.objects.get(email="facilitator@demo.test")
    rows = queries.pair_health(access.pairs_for_staff(marcus))
    assert len(rows) == 1
    assert rows[0].repeated
    assert 0 < rows[0].kept < rows[0].expected
    priya = User.objects.get(email="facilitator2@demo.test")
    assert not any(row.repeated for row in queries.pair_health(access.pairs_for_staff(priya)))
    (request,) = BuddyRequest.objects.filter(closed_at__isnull=True)
    assert request.user.email == "participant2@demo.test"

    call_command("seed_demo")
    assert counts == (
        BuddyPair.objects.count(),
        CheckIn.objects.filter(audience="buddy").count(),
        BuddyMiss.objects.count(),
    )
