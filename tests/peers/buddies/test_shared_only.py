"""A buddy sees only what was shared with the pair: a person paired across
groups reads the buddy check-ins in the pair space and nothing of the other
person's group or facilitator-only check-ins. Both groups' facilitators
moderate the pair space."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.peers.buddies import actions
from commonroom.peers.buddies.models import BuddyPair
from commonroom.spaces import access as space_access
from commonroom.spaces import checkins
from commonroom.spaces.models import CheckIn, Message
from tests.peers.buddies.conftest import run_pairing

pytestmark = pytest.mark.django_db


@pytest.fixture
def cross_group_pair(program: Program, participant: User, outsider: User, admin: User) -> BuddyPair:
    actions.do_request_buddy(user=participant, program=program)
    actions.do_request_buddy(user=outsider, program=program)
    run_pairing(admin, program, None)
    return BuddyPair.objects.get(memberships__user=participant)


def check_in(user: User, program: Program, audience: str, text: str) -> CheckIn:
    checkin, _created = checkins.do_check_in(
        user=user,
        program=program,
        mood=5,
        craving=3,
        sleep_hours=Decimal("6"),
        grateful_for=text,
        audience=audience,
        client_id=uuid.uuid4(),
    )
    return checkin


def test_a_buddy_reads_only_what_was_shared_with_the_pair(
    cross_group_pair: BuddyPair,
    program: Program,
    group: TherapyGroup,
    participant: User,
    outsider: User,
    client_for: Any,
    api_as: Any,
) -> None:
    shared = check_in(participant, program, "buddy", "shared with my buddy")
    to_group = check_in(participant, program, "group", "shared with my group")
    check_in(participant, program, "facilitators", "for staff only")
    assert shared.message is not None
    assert to_group.message is not None

    client = client_for(outsider)
    assert client.get(f"/threads/{shared.message.thread_id}/").status_code == 200
    assert client.get(f"/threads/{to_group.message.thread_id}/").status_code == 404
    assert client.get("/checkins/staff/").status_code == 404
    assert client.get(f"/groups/{group.pk}/checkins/").status_code == 404
    api = api_as(outsider)
    assert api.get(f"/groups/{group.pk}/checkins").status_code == 404
    assert api.get(f"/threads/{to_group.message.thread_id}/messages").status_code == 404
    visible = Message.objects.filter(
        space__in=space_access.spaces_visible_to(outsider), author=participant
    )
    assert [m.pk for m in visible] == [shared.message.pk]
    html = client.get("/buddy/").content.decode()
    for private in ("for staff only", "shared with my group", "Samuel Private"):
        assert private not in html


def test_both_groups_facilitators_moderate_a_cross_group_pair(
    cross_group_pair: BuddyPair, facilitator: User, other_facilitator: User, groupmate: User
) -> None:
    for staff in (facilitator, other_facilitator):
        assert space_access.is_moderator(staff, cross_group_pair.space)
    assert not space_access.can_see(groupmate, cross_group_pair.space_id)
