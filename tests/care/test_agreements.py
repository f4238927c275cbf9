"""Group agreements: accept the current version before entering; a new
version asks again; a stale acceptance is refused and records nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.actions import do_accept_agreement, do_publish_agreement
from commonroom.care.models import AgreementAcceptance, Program, TherapyGroup

pytestmark = pytest.mark.django_db

RULES = "What is said here stays here. No recording. Camera-off listening is fine."


@pytest.fixture
def agreement(program: Program, admin: User) -> object:
    return do_publish_agreement(program=program, body=RULES, published_by=admin)


def test_participant_is_asked_to_accept_before_entering_the_group(
    participant_client: Client, group: TherapyGroup, program: Program, agreement: object
) -> None:
    response = participant_client.get(f"/groups/{group.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.pk}/agreement/?next=/groups/{group.pk}/"
    page = participant_client.get(response["Location"]).content.decode()
    assert "What is said here stays here." in page
    accepted = participant_client.post(
        f"/programs/{program.pk}/agreement/",
        {"version": 1, "confirm": "on", "next": f"/groups/{group.pk}/"},
    )
    assert accepted["Location"] == f"/groups/{group.pk}/"
    assert participant_client.get(f"/groups/{group.pk}/").status_code == 200


def test_acceptance_records_time_and_version(
    participant: User, program: Program, agreement: object
) -> None:
    acceptance = do_accept_agreement(user=participant, program=program, version=1)
    assert acceptance.agreement.version == 1
    assert acceptance.accepted_at is not None


def test_a_new_version_asks_again(
    participant: User,
    participant_client: Client,
    group: TherapyGroup,
    program: Program,
    admin: User,
    agreement: object,
) -> None:
    do_accept_agreement(user=participant, program=program, version=1)
    assert participant_client.get(f"/groups/{group.pk}/").status_code == 200
    do_publish_agreement(program=program, body=RULES + " Be on time.", published_by=admin)
    assert participant_client.get(f"/groups/{group.pk}/").status_code == 302


def test_accepting_a_stale_version_is_refused_and_records_nothing(
    participant: User, program: Program, admin: User, agreement: object
) -> None:
    do_publish_agreement(program=program, body=RULES + " Be kind.", published_by=admin)
    with pytest.raises(ValidationError) as caught:
        do_accept_agreement(user=participant, program=program, version=1)
    assert caught.value.error_dict["version"][0].code == "stale_agreement"
    assert "version 2 is now current" in caught.value.message_dict["version"][0]
    assert not AgreementAcceptance.objects.filter(user=participant).exists()


def test_stale_acceptance_over_html_shows_the_message(
    participant: User, participant_client: Client, program: Program, admin: User, agreement: object
) -> None:
    do_publish_agreement(program=program, body=RULES + " Be kind.", published_by=admin)
    response = participant_client.post(
        f"/programs/{program.pk}/agreement/", {"version": 1, "confirm": "on"}
    )
    assert response.status_code == 422
    assert "version 2 is now current" in response.content.decode()
    assert not AgreementAcceptance.objects.filter(user=participant).exists()


def test_stale_acceptance_over_api_names_the_field(
    api_as: object, participant: User, program: Program, admin: User, agreement: object
) -> None:
    do_publish_agreement(program=program, body=RULES + " Be kind.", published_by=admin)
    api = api_as(participant)  # type: ignore[operator]
    response = api.post(f"/programs/{program.pk}/agreement/accept", {"version": 1})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "stale_agreement"
    assert response.json()["error"]["field"] == "version"
    ok = api.post(f"/programs/{program.pk}/agreement/accept", {"version": 2})
    assert ok.status_code == 200
    assert ok.json()["accepted"] is True


def test_the_api_roster_is_gated_by_the_agreement(
    api_as: object, groupmate: User, group: TherapyGroup, agreement: object
) -> None:
    response = api_as(groupmate).get(f"/groups/{group.pk}/roster")  # type: ignore[operator]
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "agreement_required"


def test_the_api_group_is_gated_like_its_page(
    api_as: object, groupmate: User, group: TherapyGroup, agreement: object
) -> None:
    """The gate is in access_group, so no caller can forget it."""
    response = api_as(groupmate).get(f"/groups/{group.pk}")  # type: ignore[operator]
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "agreement_required"


def test_staff_are_not_asked_to_accept(
    facilitator_client: Client, group: TherapyGroup, agreement: object
) -> None:
    assert facilitator_client.get(f"/groups/{group.pk}/").status_code == 200


def test_publishing_numbers_versions(program: Program, admin: User, agreement: object) -> None:
    second = do_publish_agreement(program=program, body=RULES + " v2", published_by=admin)
    assert second.version == 2


@pytest.mark.parametrize("persona", ["participant", "facilitator", "other_facilitator", "mentor"])
def test_only_admins_publish(
    request: pytest.FixtureRequest, persona: str, program: Program
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    response = client.post(f"/programs/{program.pk}/agreement/publish/", {"body": RULES})
    assert response.status_code == 404


def test_outsiders_of_the_program_cannot_read_its_agreement(
    program: Program, agreement: object
) -> None:
    from tests.conftest import signed_in_client
    from tests.factories import UserFactory

    stranger = UserFactory()
    assert signed_in_client(stranger).get(f"/programs/{program.pk}/agreement/").status_code == 404
