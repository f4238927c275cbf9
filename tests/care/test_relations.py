"""Couples and the do-not-pair list: who sees them, and their rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.actions import do_add_do_not_pair, do_link_couple
from commonroom.care.models import CoupleLink, DoNotPair, Program
from commonroom.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def couple(program: Program, admin: User, participant: User, outsider: User) -> CoupleLink:
    return do_link_couple(
        program=program,
        first_id=participant.pk,
        second_id=outsider.pk,
        policy="apart",
        linked_by=admin,
    )


@pytest.fixture
def conflict(program: Program, admin: User, participant: User, groupmate: User) -> DoNotPair:
    return do_add_do_not_pair(
        program=program,
        first_id=participant.pk,
        second_id=groupmate.pk,
        reason="Outside relationship",
        recorded_by=admin,
    )


COUPLE_SEEN_BY = {
    "participant": True,  # a partner
    "outsider": True,  # the other partner
    "groupmate": False,
    "facilitator": True,  # facilitates the participant's group
    "other_facilitator": True,  # facilitates the outsider's group
    "mentor": False,
    "alumnus": False,
    "admin": True,
}


@pytest.mark.parametrize(("persona", "sees"), COUPLE_SEEN_BY.items())
def test_couple_link_is_seen_by_the_partners_and_staff_only(
    request: pytest.FixtureRequest,
    api_as: object,
    program: Program,
    couple: CoupleLink,
    persona: str,
    sees: bool,
) -> None:
    response = api_as(request.getfixturevalue(persona)).get(f"/programs/{program.pk}/couples")  # type: ignore[operator]
    assert response.status_code == 200
    assert ([c["id"] for c in response.json()["items"]] == [couple.pk]) is sees


DNP_SEEN_BY = {
    "participant": False,  # never the people themselves
    "groupmate": False,
    "outsider": False,
    "facilitator": False,  # the page never showed them the reasons; nor does the API
    "other_facilitator": False,
    "mentor": False,
    "alumnus": False,
    "admin": True,
}


@pytest.mark.parametrize(("persona", "sees"), DNP_SEEN_BY.items())
def test_do_not_pair_is_read_by_program_admins_only(
    request: pytest.FixtureRequest,
    api_as: object,
    program: Program,
    conflict: DoNotPair,
    persona: str,
    sees: bool,
) -> None:
    response = api_as(request.getfixturevalue(persona)).get(f"/programs/{program.pk}/do-not-pair")  # type: ignore[operator]
    if sees:
        assert [e["reason"] for e in response.json()["items"]] == ["Outside relationship"]
    else:
        assert response.status_code == 404
        assert "Outside relationship" not in response.content.decode()


def test_facilitator_cannot_read_do_not_pair_reasons_on_page_or_api(
    facilitator_client: Client,
    api_as: object,
    facilitator: User,
    program: Program,
    conflict: DoNotPair,
) -> None:
    page = facilitator_client.get(f"/programs/{program.pk}/do-not-pair/")
    api = api_as(facilitator).get(f"/programs/{program.pk}/do-not-pair")  # type: ignore[operator]
    assert (page.status_code, api.status_code) == (404, 404)
    assert not AuditEntry.objects.filter(action="do_not_pair.list").exists()


@pytest.mark.parametrize(
    "persona",
    [
        "participant",
        "groupmate",
        "outsider",
        "facilitator",
        "other_facilitator",
        "mentor",
        "alumnus",
    ],
)
def test_only_admins_open_the_couples_and_do_not_pair_pages(
    request: pytest.FixtureRequest,
    persona: str,
    program: Program,
    couple: CoupleLink,
    conflict: DoNotPair,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/programs/{program.pk}/couples/").status_code == 404
    assert client.get(f"/programs/{program.pk}/do-not-pair/").status_code == 404
    assert client.post(f"/couples/{couple.pk}/unlink/").status_code == 404
    assert client.post(f"/do-not-pair/{conflict.pk}/remove/").status_code == 404
    assert CoupleLink.objects.filter(pk=couple.pk).exists()
    assert DoNotPair.objects.filter(pk=conflict.pk).exists()


def test_admin_sees_reasons_and_the_read_is_audited(
    admin_client: Client, program: Program, conflict: DoNotPair
) -> None:
    html = admin_client.get(f"/programs/{program.pk}/do-not-pair/").content.decode()
    assert "Outside relationship" in html
    assert AuditEntry.objects.filter(action="do_not_pair.list").exists()


def test_a_person_is_in_at_most_one_couple(
    program: Program, admin: User, couple: CoupleLink, groupmate: User, participant: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        do_link_couple(
            program=program,
            first_id=participant.pk,
            second_id=groupmate.pk,
            policy="together",
            linked_by=admin,
        )
    assert caught.value.error_dict["second"][0].code == "already_linked"


def test_someone_cannot_be_their_own_partner(
    program: Program, admin: User, participant: User
) -> None:
    with pytest.raises(ValidationError):
        do_link_couple(
            program=program,
            first_id=participant.pk,
            second_id=participant.pk,
            policy="apart",
            linked_by=admin,
        )


def test_couple_links_and_do_not_pair_entries_are_audited_for_both_people(
    couple: CoupleLink, conflict: DoNotPair, participant: User, outsider: User, groupmate: User
) -> None:
    assert set(
        AuditEntry.objects.filter(action="couple.link").values_list("subject_id", flat=True)
    ) == {participant.pk, outsider.pk}
    assert set(
        AuditEntry.objects.filter(action="do_not_pair.add").values_list("subject_id", flat=True)
    ) == {participant.pk, groupmate.pk}


def test_partners_privacy_stays_their_own(
    couple: CoupleLink, outsider_client: Client, participant: User
) -> None:
    """Being linked does not open one partner's record to the other."""
    assert outsider_client.get(f"/people/{participant.pk}/").status_code == 404
    enrollment = participant.enrollments.get()
    assert outsider_client.get(f"/enrollments/{enrollment.pk}/").status_code == 404


def test_do_not_pair_needs_a_reason_over_api(
    api_as: object, admin: User, program: Program, participant: User, groupmate: User
) -> None:
    response = api_as(admin).post(  # type: ignore[operator]
        f"/programs/{program.pk}/do-not-pair",
        {"first_id": participant.pk, "second_id": groupmate.pk, "reason": ""},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "reason"
    assert not DoNotPair.objects.exists()


def test_admin_manages_couples_over_html(
    admin_client: Client, program: Program, participant: User, outsider: User
) -> None:
    response = admin_client.post(
        f"/programs/{program.pk}/couples/",
        {"first": participant.pk, "second": outsider.pk, "policy": "apart"},
    )
    assert response.status_code == 302
    couple = CoupleLink.objects.get()
    admin_client.post(f"/couples/{couple.pk}/policy/", {"policy": "together"})
    couple.refresh_from_db()
    assert couple.policy == "together"
    admin_client.post(f"/couples/{couple.pk}/unlink/")
    assert not CoupleLink.objects.exists()
