"""An affinity group in the persona program: led by its own facilitator
(Morgan), with two members: the participant (Sam, group A) and Kai (group B,
the outsider's group). Everyone else is a non-member."""

from __future__ import annotations

import pytest

from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program, Role, TherapyGroup
from commonroom.peers.affinity.actions import (
    do_ask_to_join,
    do_decide_join_request,
    do_update_affinity_group,
)
from commonroom.peers.affinity.models import AffinityGroup
from commonroom.spaces.models import Space, SpaceKind
from tests import factories

SECRET_MEMBER = "Kai Secretmember"


@pytest.fixture
def affinity_lead(program: Program) -> User:
    user = factories.UserFactory(email="lead@example.org", display_name="Morgan")
    factories.add_role(user, program, Role.FACILITATOR)
    factories.enable_totp(user)
    return user


@pytest.fixture
def affinity(program: Program, admin: User, affinity_lead: User) -> AffinityGroup:
    entry = AffinityGroup.objects.get(program=program, key="lgbtq")
    return do_update_affinity_group(
        affinity=entry,
        changed_by=admin,
        changes={"description": "For LGBTQ+ people in recovery."},
        facilitator_ids=[affinity_lead.pk],
    )


@pytest.fixture
def affinity_group(affinity: AffinityGroup) -> TherapyGroup:
    assert affinity.group is not None
    return affinity.group


@pytest.fixture
def kai(program: Program, other_group: TherapyGroup) -> User:
    user = factories.UserFactory(
        display_name=SECRET_MEMBER, email="kai@example.org", pronouns="they/them"
    )
    factories.enroll(user, program, Phase.ACTIVE)
    factories.join(user, other_group)
    return user


def admit(person: User, affinity: AffinityGroup, lead: User) -> None:
    request = do_ask_to_join(person=person, affinity=affinity, note="")
    do_decide_join_request(join_request=request, decided_by=lead, approve=True)


@pytest.fixture
def members(
    affinity: AffinityGroup, affinity_lead: User, participant: User, kai: User
) -> list[User]:
    admit(participant, affinity, affinity_lead)
    admit(kai, affinity, affinity_lead)
    return [participant, kai]


@pytest.fixture
def affinity_space(affinity_group: TherapyGroup) -> Space:
    return Space.objects.get(group=affinity_group, kind=SpaceKind.GENERAL)


# Everyone who is neither a member nor staff of the affinity group.
NON_MEMBERS = ("groupmate", "outsider", "facilitator", "other_facilitator", "mentor", "alumnus")
