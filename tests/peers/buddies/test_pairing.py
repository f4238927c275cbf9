"""Pairing end to end: consent, constraints, the preview and its freshness,
the pair's space, and what each person is told."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from commonroom.accounts.models import User
from commonroom.care.models import CoupleLink, DoNotPair, Phase, Program, TherapyGroup
from commonroom.peers.buddies import actions, pool
from commonroom.peers.buddies.models import (
    BuddyMembership,
    BuddyPair,
    BuddyRequest,
    PairingRun,
    RequestOutcome,
)
from commonroom.realtime.models import Event
from commonroom.spaces import access as space_access
from commonroom.spaces.models import SpaceScope, Thread
from tests import factories
from tests.peers.buddies.conftest import run_pairing

pytestmark = pytest.mark.django_db


def test_pairing_forms_the_pair_its_private_space_and_its_check_in_thread(
    pair: BuddyPair, participant: User, buddy: User
) -> None:
    assert {m.user_id for m in pair.memberships.all()} == {participant.pk, buddy.pk}
    assert pair.space.scope == SpaceScope.BUDDY
    assert Thread.objects.filter(space=pair.space).count() == 1
    assert pair.explanation  # the matcher's reasons, for staff
    request = BuddyRequest.objects.get(user=participant)
    assert request.outcome == RequestOutcome.PAIRED
    assert request.closed_at is not None


def test_each_member_is_told_with_ids_only(pair: BuddyPair, participant: User, buddy: User) -> None:
    for person in (participant, buddy):
        event = Event.objects.get(stream__key=f"user.{person.pk}", kind="buddy.paired")
        assert event.payload == {"pair_id": pair.pk, "space_id": pair.space_id}


def test_the_pair_space_is_known_to_the_pair_and_their_facilitators_only(
    pair: BuddyPair,
    participant: User,
    buddy: User,
    facilitator: User,
    admin: User,
    groupmate: User,
    other_facilitator: User,
) -> None:
    assert space_access.member_ids(pair.space) == {
        participant.pk,
        buddy.pk,
        facilitator.pk,
        admin.pk,
    }


def _person(program: Program, group: TherapyGroup, name: str, *, consent: bool = True) -> User:
    user = factories.UserFactory(display_name=name)
    factories.enroll(user, program, Phase.ACTIVE)
    factories.join(user, group)
    if consent:
        actions.do_set_opt_in(user=user, program=program, consenting=True)
    return user


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_partners_do_not_pair_non_consenting_and_inactive_people_are_never_paired(
    program: Program, group: TherapyGroup, facilitator: User, seed: int
) -> None:
    a, b, c, d = (_person(program, group, n) for n in "ABCD")
    x, y = sorted([a, b], key=lambda u: u.pk)
    CoupleLink.objects.create(program=program, person_a=x, person_b=y)
    x, y = sorted([c, d], key=lambda u: u.pk)
    DoNotPair.objects.create(program=program, person_a=x, person_b=y, reason="neighbours")
    unwilling = _person(program, group, "E", consent=False)
    discharged = _person(program, group, "F")
    discharged.enrollments.update(phase=Phase.DISCHARGED)
    deactivated = _person(program, group, "G")
    User.objects.filter(pk=deactivated.pk).update(is_active=False)

    run_pairing(facilitator, program, group, seed=seed)

    pairs = [
        {m.user_id for m in p.memberships.all()}
        for p in BuddyPair.objects.prefetch_related("memberships")
    ]
    assert len(pairs) == 2
    for members in pairs:
        assert members not in ({a.pk, b.pk}, {c.pk, d.pk})
    paired = set().union(*pairs)
    assert paired == {a.pk, b.pk, c.pk, d.pk}
    assert not paired & {unwilling.pk, discharged.pk, deactivated.pk}


def test_an_odd_person_out_joins_a_trio(
    program: Program, group: TherapyGroup, facilitator: User
) -> None:
    people = [_person(program, group, n) for n in "ABC"]
    run_pairing(facilitator, program, group)
    pair = BuddyPair.objects.get()
    assert {m.user_id for m in pair.memberships.all()} == {p.pk for p in people}


def test_someone_already_paired_is_not_in_the_next_pool(
    pair: BuddyPair, program: Program, group: TherapyGroup, participant: User
) -> None:
    assert participant.pk not in pool.pool_ids(program, group)


def test_a_stale_preview_is_refused_and_nothing_is_written(
    program: Program, group: TherapyGroup, facilitator: User
) -> None:
    _person(program, group, "A")
    _person(program, group, "B")
    preview = pool.propose(program=program, group=group, seed=3)
    _person(program, group, "C")  # opted in after the preview
    with pytest.raises(ValidationError) as caught:
        actions.do_confirm_pairing(
            staff=facilitator,
            program=program,
            group=group,
            seed=3,
            fingerprint=preview.fingerprint,
        )
    assert caught.value.error_dict["fingerprint"][0].code == "stale_preview"
    assert not PairingRun.objects.exists()
    assert not BuddyPair.objects.exists()


def test_confirming_one_preview_twice_pairs_once(
    program: Program, group: TherapyGroup, facilitator: User, admin: User
) -> None:
    _person(program, group, "A")
    _person(program, group, "B")
    preview = pool.propose(program=program, group=group, seed=3)
    actions.do_confirm_pairing(
        staff=facilitator, program=program, group=group, seed=3, fingerprint=preview.fingerprint
    )
    with pytest.raises(ValidationError):
        actions.do_confirm_pairing(
            staff=admin, program=program, group=group, seed=3, fingerprint=preview.fingerprint
        )
    assert BuddyPair.objects.count() == 1
    assert PairingRun.objects.count() == 1


def test_the_database_allows_one_current_pair_per_person(
    pair: BuddyPair, participant: User
) -> None:
    from django.db import IntegrityError, transaction

    other = BuddyPair.objects.create(
        program=pair.program, run=pair.run, space=factories_space(pair.program)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BuddyMembership.objects.create(pair=other, user=participant, program=pair.program)


def factories_space(program: Program) -> Any:
    from commonroom.spaces.models import Space, SpaceKind

    return Space.objects.create(
        program=program, scope=SpaceScope.BUDDY, kind=SpaceKind.CHECKIN, name="x"
    )


def test_the_pair_is_told_why_without_anything_private(
    pair: BuddyPair, client_for: Any, participant: User
) -> None:
    html = client_for(participant).get("/buddy/").content.decode()
    assert "Why you were matched" in html
    assert "Kim" in html
    assert "she/they" in html
    assert "kim@example.org" not in html
    assert "Legal Name" not in html


def test_ending_is_no_fault_and_the_other_is_offered_a_new_buddy(
    pair: BuddyPair, participant: User, buddy: User, client_for: Any
) -> None:
    actions.do_end_pair(pair=pair, by=participant)
    assert not space_access.can_see(participant, pair.space_id)
    assert not space_access.can_see(buddy, pair.space_id)
    html = client_for(buddy).get("/buddy/").content.decode()
    assert "Your buddy pairing has ended" in html, html[html.find("<main") :][:3000]
    assert "fault" in html
    assert "Yes, find me a new buddy" in html
    own = client_for(participant).get("/buddy/").content.decode()
    assert "Your buddy pairing has ended" not in own
    response = client_for(buddy).post("/buddy/request/")
    assert response.status_code == 302
    request = BuddyRequest.objects.get(user=buddy, closed_at__isnull=True)
    assert request.kind == "new"
    for person in (participant, buddy):
        assert Event.objects.get(stream__key=f"user.{person.pk}", kind="buddy.ended").payload == {
            "pair_id": pair.pk
        }


def test_ending_an_ended_pair_is_refused(pair: BuddyPair, participant: User, buddy: User) -> None:
    actions.do_end_pair(pair=pair, by=participant)
    with pytest.raises(ValidationError) as caught:
        actions.do_end_pair(pair=pair, by=buddy)
    assert caught.value.code == "already_ended"


def test_an_unknown_rhythm_is_refused_naming_the_field(pair: BuddyPair, participant: User) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.do_set_rhythm(pair=pair, by=participant, rhythm="hourly")
    assert "rhythm" in caught.value.error_dict
    pair.refresh_from_db()
    assert pair.rhythm == "daily"


@pytest.mark.parametrize(
    "persona", ["groupmate", "outsider", "mentor", "alumnus", "facilitator", "other_facilitator"]
)
def test_my_buddy_page_shows_nobody_elses_pair(
    request: pytest.FixtureRequest, client_for: Any, pair: BuddyPair, persona: str
) -> None:
    response = client_for(request.getfixturevalue(persona)).get("/buddy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"\bKim\b", html)  # a word: nonces and tokens are random
    assert f"/spaces/{pair.space_id}/" not in html


def test_asking_twice_keeps_one_request_and_opting_out_withdraws_it(
    program: Program, participant: User
) -> None:
    first = actions.do_request_buddy(user=participant, program=program)
    assert actions.do_request_buddy(user=participant, program=program) == first
    actions.do_set_opt_in(user=participant, program=program, consenting=False)
    first.refresh_from_db()
    assert first.outcome == RequestOutcome.WITHDRAWN
    assert participant.pk not in {
        c.id
        for c in pool.candidates(program, [participant.pk], now=first.created_at)
        if c.consenting
    }


def test_someone_paired_cannot_ask_for_another_buddy(
    pair: BuddyPair, api_as: Any, participant: User
) -> None:
    response = api_as(participant).post("/buddies/me/request")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "already_paired"


def test_an_alumnus_cannot_opt_in(api_as: Any, alumnus: User) -> None:
    assert api_as(alumnus).post("/buddies/me/consent", {"consenting": True}).status_code == 404


def test_a_stale_preview_over_html_explains_and_shows_a_fresh_one(
    client_for: Any, program: Program, group: TherapyGroup, facilitator: User
) -> None:
    _person(program, group, "A")
    _person(program, group, "B")
    client = client_for(facilitator)
    page = client.get(f"/buddies/run/group/{group.pk}/?seed=9").content.decode()
    fingerprint = page.split('name="fingerprint" value="')[1].split('"')[0]
    _person(program, group, "C")
    response = client.post(
        f"/buddies/run/group/{group.pk}/", {"seed": "9", "fingerprint": fingerprint}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-field="fingerprint"' in html
    assert "Nothing was saved" in html
    assert not BuddyPair.objects.exists()
    fresh = html.split('name="fingerprint" value="')[1].split('"')[0]
    assert fresh != fingerprint
    response = client.post(f"/buddies/run/group/{group.pk}/", {"seed": "9", "fingerprint": fresh})
    assert response.status_code == 302
    assert BuddyPair.objects.count() == 1  # the trio A, B and C


def test_a_bad_seed_is_refused_naming_the_field(
    client_for: Any, group: TherapyGroup, facilitator: User
) -> None:
    response = client_for(facilitator).get(f"/buddies/run/group/{group.pk}/?seed=abc")
    assert response.status_code == 422
    assert 'data-field="seed"' in response.content.decode()
