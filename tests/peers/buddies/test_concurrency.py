"""Two staff confirm the same preview at the same moment: one pairing run,
one pair, and a clear refusal for the other (never a person in two pairs)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program, TherapyGroup
from commonroom.peers.buddies import actions, pool
from commonroom.peers.buddies.models import BuddyMembership, BuddyPair, PairingRun
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_staff_confirming_one_preview_at_once_pair_once(
    program: Program, group: TherapyGroup, facilitator: User, admin: User
) -> None:
    for name in ("A", "B", "C", "D"):
        person = factories.UserFactory(display_name=name)
        factories.enroll(person, program, Phase.ACTIVE)
        factories.join(person, group)
        actions.do_set_opt_in(user=person, program=program, consenting=True)
    preview = pool.propose(program=program, group=group, seed=11)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(staff: User) -> None:
        try:
            start.wait()
            actions.do_confirm_pairing(
                staff=staff,
                program=program,
                group=group,
                seed=11,
                fingerprint=preview.fingerprint,
            )
            outcomes.append("paired")
        except ValidationError as exc:
            outcomes.append(exc.error_dict["fingerprint"][0].code or "")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(s,)) for s in (facilitator, admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["paired", "stale_preview"]
    assert PairingRun.objects.count() == 1
    assert BuddyPair.objects.count() == 2
    assert BuddyMembership.objects.count() == 4
