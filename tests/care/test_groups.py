"""Therapy groups: capacity, closed enrollment, couples and do-not-pair at
placement, moving between groups, and the roster."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.actions import (
    do_add_do_not_pair,
    do_link_couple,
    do_move_between_groups,
    do_place_in_group,
)
from commonroom.care.models import GroupMembership, Phase, Program, TherapyGroup
from tests import factories

pytestmark = pytest.mark.django_db


def newcomer(program: Program, phase: str = Phase.ACTIVE) -> User:
    user = factories.UserFactory()
    factories.enroll(user, program, phase)
    return user


def members(group: TherapyGroup) -> set[int]:
    return set(
        GroupMembership.objects.filter(group=group, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )


def test_a_full_group_refuses_with_a_clear_message(program: Program, admin: User) -> None:
    group = factories.TherapyGroupFactory(program=program, name="Small", capacity=2)
    do_place_in_group(group_id=group.pk, user_id=newcomer(program).pk, placed_by=admin)
    do_place_in_group(group_id=group.pk, user_id=newcomer(program).pk, placed_by=admin)
    late = newcomer(program)
    with pytest.raises(ValidationError) as caught:
        do_place_in_group(group_id=group.pk, user_id=late.pk, placed_by=admin)
    assert caught.value.error_dict["group"][0].code == "group_full"
    assert "Small is full (2 of 2 places)" in caught.value.message_dict["group"][0]
    assert late.pk not in members(group)


def test_an_admin_can_override_capacity(program: Program, admin: User) -> None:
    group = factories.TherapyGroupFactory(program=program, capacity=1)
    do_place_in_group(group_id=group.pk, user_id=newcomer(program).pk, placed_by=admin)
    extra = newcomer(program)
    do_place_in_group(group_id=group.pk, user_id=extra.pk, placed_by=admin, override=True)
    assert extra.pk in members(group)


def test_default_capacity_is_nine(program: Program) -> None:
    assert TherapyGroup(program=program, name="x").capacity == 9


def test_closed_group_needs_an_override(program: Program, admin: User) -> None:
    group = factories.TherapyGroupFactory(program=program, enrollment_open=False)
    person = newcomer(program)
    with pytest.raises(ValidationError) as caught:
        do_place_in_group(group_id=group.pk, user_id=person.pk, placed_by=admin)
    assert caught.value.error_dict["group"][0].code == "group_closed"


def test_people_outside_the_cohort_cannot_be_placed(
    program: Program, admin: User, group: TherapyGroup
) -> None:
    for phase in (Phase.COMPLETED, Phase.DISCHARGED):
        person = newcomer(program, phase)
        with pytest.raises(ValidationError) as caught:
            do_place_in_group(group_id=group.pk, user_id=person.pk, placed_by=admin)
        assert caught.value.error_dict["user"][0].code == "not_in_cohort"


def test_an_apart_couple_is_not_placed_in_one_group(
    program: Program, admin: User, group: TherapyGroup, participant: User
) -> None:
    partner = newcomer(program)
    do_link_couple(
        program=program,
        first_id=participant.pk,
        second_id=partner.pk,
        policy="apart",
        linked_by=admin,
    )
    with pytest.raises(ValidationError) as caught:
        do_place_in_group(group_id=group.pk, user_id=partner.pk, placed_by=admin)
    assert caught.value.error_dict["group"][0].code == "couple_apart"


def test_a_together_couple_may_share_a_group(
    program: Program, admin: User, group: TherapyGroup, participant: User
) -> None:
    partner = newcomer(program)
    do_link_couple(
        program=program,
        first_id=participant.pk,
        second_id=partner.pk,
        policy="together",
        linked_by=admin,
    )
    do_place_in_group(group_id=group.pk, user_id=partner.pk, placed_by=admin)
    assert partner.pk in members(group)


def test_do_not_pair_people_are_not_placed_in_one_group(
    program: Program, admin: User, group: TherapyGroup, participant: User
) -> None:
    other = newcomer(program)
    do_add_do_not_pair(
        program=program,
        first_id=participant.pk,
        second_id=other.pk,
        reason="conflict",
        recorded_by=admin,
    )
    with pytest.raises(ValidationError) as caught:
        do_place_in_group(group_id=group.pk, user_id=other.pk, placed_by=admin)
    assert caught.value.error_dict["group"][0].code == "do_not_pair"
    # The message never says who or why.
    assert participant.display_name not in str(caught.value)
    assert "conflict" not in str(caught.value)


def test_a_failed_move_leaves_the_person_where_they_were(
    program: Program, admin: User, group: TherapyGroup, participant: User
) -> None:
    full = factories.TherapyGroupFactory(program=program, capacity=1)
    do_place_in_group(group_id=full.pk, user_id=newcomer(program).pk, placed_by=admin)
    with pytest.raises(ValidationError):
        do_move_between_groups(
            user_id=participant.pk, from_group_id=group.pk, to_group_id=full.pk, moved_by=admin
        )
    assert participant.pk in members(group)
    assert participant.pk not in members(full)


def test_a_move_changes_both_groups(
    program: Program, admin: User, group: TherapyGroup, other_group: TherapyGroup, participant: User
) -> None:
    do_move_between_groups(
        user_id=participant.pk, from_group_id=group.pk, to_group_id=other_group.pk, moved_by=admin
    )
    assert participant.pk not in members(group)
    assert participant.pk in members(other_group)


def test_over_capacity_over_html_says_so_and_changes_nothing(
    admin_client: Client, program: Program, admin: User
) -> None:
    group = factories.TherapyGroupFactory(program=program, name="Tiny", capacity=1)
    do_place_in_group(group_id=group.pk, user_id=newcomer(program).pk, placed_by=admin)
    person = newcomer(program)
    enrollment = person.enrollments.get()
    response = admin_client.post(f"/enrollments/{enrollment.pk}/place/", {"group": group.pk})
    assert response.status_code == 422
    assert "Tiny is full (1 of 1 places)" in response.content.decode()
    assert person.pk not in members(group)


def test_over_capacity_over_api_names_the_field(
    api_as: object, admin: User, program: Program
) -> None:
    group = factories.TherapyGroupFactory(program=program, capacity=1)
    do_place_in_group(group_id=group.pk, user_id=newcomer(program).pk, placed_by=admin)
    person = newcomer(program)
    response = api_as(admin).post(f"/groups/{group.pk}/members", {"user_id": person.pk})  # type: ignore[operator]
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "group_full"
    assert response.json()["error"]["field"] == "group"
    assert person.pk not in members(group)


def test_admin_creates_a_group_with_a_weekly_pattern(
    admin_client: Client, program: Program, facilitator: User
) -> None:
    response = admin_client.post(
        f"/programs/{program.pk}/groups/new/",
        {
            "name": "Evening skills",
            "kind": "skills",
            "session_pattern": "FREQ=WEEKLY;BYDAY=MO,WE,TH",
            "session_start": "18:00",
            "session_minutes": 180,
            "facilitators": [facilitator.pk],
        },
    )
    assert response.status_code == 302
    group = TherapyGroup.objects.get(name="Evening skills")
    assert group.capacity == program.default_group_size
    assert list(group.facilitators.all()) == [facilitator]


def test_an_invalid_weekly_pattern_names_the_field(
    api_as: object, admin: User, program: Program
) -> None:
    response = api_as(admin).post(  # type: ignore[operator]
        f"/programs/{program.pk}/groups", {"name": "Bad rule", "session_pattern": "EVERY MONDAY"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "session_pattern"
    assert not TherapyGroup.objects.filter(name="Bad rule").exists()


def test_participants_cannot_lead_groups(
    api_as: object, admin: User, program: Program, participant: User
) -> None:
    response = api_as(admin).post(  # type: ignore[operator]
        f"/programs/{program.pk}/groups", {"name": "X", "facilitator_ids": [participant.pk]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "facilitators"


def test_roster_shows_staff_the_phase_and_peers_only_names(
    api_as: object, facilitator: User, groupmate: User, participant: User, group: TherapyGroup
) -> None:
    staff = api_as(facilitator).get(f"/groups/{group.pk}/roster").json()["items"]  # type: ignore[operator]
    assert {line["phase"] for line in staff} == {"active"}
    peer = api_as(groupmate).get(f"/groups/{group.pk}/roster").json()["items"]  # type: ignore[operator]
    assert {"Sam", "Lucia"} <= {line["display_name"] for line in peer}
    assert all(set(line) == {"user_id", "display_name", "pronouns"} for line in peer)


def test_track_defaults_follow_asam_minimums(api_as: object, admin: User, program: Program) -> None:
    api = api_as(admin)  # type: ignore[operator]
    adult = api.post(
        f"/programs/{program.pk}/tracks", {"name": "Adults", "level_of_care": "2.1"}
    ).json()
    teen = api.post(
        f"/programs/{program.pk}/tracks",
        {"name": "Teens", "level_of_care": "2.1", "population": "adolescent"},
    ).json()
    php = api.post(f"/programs/{program.pk}/tracks", {"name": "PHP", "level_of_care": "2.5"}).json()
    assert (
        adult["weekly_minimum_hours"],
        teen["weekly_minimum_hours"],
        php["weekly_minimum_hours"],
    ) == (9, 6, 20)


def test_admin_sets_program_crisis_resources_in_the_browser(
    admin_client: Client, program: Program, participant_client: Client
) -> None:
    response = admin_client.post(
        f"/programs/{program.pk}/settings/",
        {
            "name": program.name,
            "time_zone": "America/Chicago",
            "default_group_size": 8,
            "languages_offered": ["en", "es"],
            "crisis_resources": "County Crisis Line | 24/7 mobile crisis team | 555-0100\n"
            "988 Lifeline | Call or text | 988 | 988 | https://988lifeline.org",
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.default_group_size == 8
    assert program.crisis_resources[0] == {
        "name": "County Crisis Line",
        "detail": "24/7 mobile crisis team",
        "phone": "555-0100",
    }
    assert 'href="tel:555-0100"' in participant_client.get("/help/").content.decode()


def test_crisis_resources_with_an_insecure_link_are_refused(
    admin_client: Client, program: Program
) -> None:
    response = admin_client.post(
        f"/programs/{program.pk}/settings/",
        {
            "name": program.name,
            "time_zone": "America/Chicago",
            "default_group_size": 9,
            "crisis_resources": "Line | x | 1 | 1 | http://insecure.example",
        },
    )
    assert response.status_code == 422
    assert "must start with https://" in response.content.decode()
    program.refresh_from_db()
    assert program.crisis_resources == []


def test_a_partner_sees_their_own_link_on_their_enrollment(
    program: Program, admin: User, participant: User, outsider: User, participant_client: Client
) -> None:
    do_link_couple(
        program=program,
        first_id=participant.pk,
        second_id=outsider.pk,
        policy="apart",
        linked_by=admin,
    )
    enrollment = participant.enrollments.get()
    html = participant_client.get(f"/enrollments/{enrollment.pk}/").content.decode()
    assert "Linked partner" in html
    assert "Riley" in html
