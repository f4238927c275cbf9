"""A buddy pair made the way staff make one: the participant and Kim (a
second member of Group A) opt in, and Group A's facilitator runs pairing.
The groupmate is in the same group but not in the pair."""

from __future__ import annotations

import pytest

from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program, TherapyGroup
from commonroom.peers.buddies import actions, pool
from commonroom.peers.buddies.models import BuddyPair
from tests import factories


@pytest.fixture
def buddy(program: Program, group: TherapyGroup) -> User:
    user = factories.UserFactory(display_name="Kim", pronouns="she/they", email="kim@example.org")
    factories.enroll(user, program, Phase.ACTIVE)
    factories.join(user, group)
    return user


def run_pairing(staff: User, program: Program, group: TherapyGroup | None, seed: int = 7) -> None:
    proposal = pool.propose(program=program, group=group, seed=seed)
    actions.do_confirm_pairing(
        staff=staff, program=program, group=group, seed=seed, fingerprint=proposal.fingerprint
    )


@pytest.fixture
def pair(
    program: Program,
    group: TherapyGroup,
    participant: User,
    buddy: User,
    groupmate: User,
    facilitator: User,
) -> BuddyPair:
    actions.do_request_buddy(user=participant, program=program)
    actions.do_set_opt_in(user=buddy, program=program, consenting=True)
    run_pairing(facilitator, program, group)
    return BuddyPair.objects.get(memberships__user=participant)
