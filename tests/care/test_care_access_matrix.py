"""Persona x object x action for the care structure, over HTML and API."""

from __future__ import annotations

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, Program, TherapyGroup

pytestmark = pytest.mark.django_db

PERSONAS = [
    "participant",
    "groupmate",
    "outsider",
    "facilitator",
    "other_facilitator",
    "mentor",
    "alumnus",
    "admin",
]

# Can the persona read group A (the participant's group)?
GROUP_A = {
    "participant": True,
    "groupmate": True,
    "outsider": False,
    "facilitator": True,
    "other_facilitator": False,
    "mentor": False,
    "alumnus": False,
    "admin": True,
}

# Can the persona read the participant's enrollment and phase history?
PARTICIPANT_ENROLLMENT = {
    "participant": True,
    "groupmate": False,
    "outsider": False,
    "facilitator": True,
    "other_facilitator": False,
    "mentor": False,
    "alumnus": False,
    "admin": True,
}

ADMIN_ONLY_PAGES = [
    "/programs/{program}/",
    "/programs/{program}/enrollments/",
    "/programs/{program}/couples/",
    "/programs/{program}/do-not-pair/",
    "/programs/{program}/groups/new/",
    "/groups/{group}/edit/",
    "/people/{participant}/audit/",
]
ADMIN_ONLY_API = [
    "/programs/{program}",
    "/programs/{program}/tracks",
    "/programs/{program}/enrollments",
    "/people/{participant}/audit",
]


def _fill(path: str, program: Program, group: TherapyGroup, participant: User) -> str:
    return path.format(program=program.pk, group=group.pk, participant=participant.pk)


@pytest.mark.parametrize("persona", PERSONAS)
def test_group_page_and_api(
    request: pytest.FixtureRequest,
    api_as: object,
    persona: str,
    group: TherapyGroup,
    participant: User,
    groupmate: User,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    sees = GROUP_A[persona]
    html = client.get(f"/groups/{group.pk}/")
    assert html.status_code == (200 if sees else 404)
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.get(f"/groups/{group.pk}").status_code == (200 if sees else 404)
    assert api.get(f"/groups/{group.pk}/roster").status_code == (200 if sees else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_enrollment_and_phase_history(
    request: pytest.FixtureRequest, api_as: object, persona: str, participant: User
) -> None:
    enrollment = Enrollment.objects.get(user=participant)
    sees = PARTICIPANT_ENROLLMENT[persona]
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/enrollments/{enrollment.pk}/").status_code == (200 if sees else 404)
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.get(f"/enrollments/{enrollment.pk}").status_code == (200 if sees else 404)
    assert api.get(f"/enrollments/{enrollment.pk}/history").status_code == (200 if sees else 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", ADMIN_ONLY_PAGES)
def test_admin_pages(
    request: pytest.FixtureRequest,
    persona: str,
    path: str,
    program: Program,
    group: TherapyGroup,
    participant: User,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    status = client.get(_fill(path, program, group, participant)).status_code
    assert status == (200 if persona == "admin" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", ADMIN_ONLY_API)
def test_admin_api(
    request: pytest.FixtureRequest,
    api_as: object,
    persona: str,
    path: str,
    program: Program,
    group: TherapyGroup,
    participant: User,
) -> None:
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    status = api.get(_fill(path, program, group, participant)).status_code
    assert status == (200 if persona == "admin" else 404)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_only_admins_change_groups_and_membership(
    request: pytest.FixtureRequest,
    api_as: object,
    persona: str,
    program: Program,
    group: TherapyGroup,
    outsider: User,
) -> None:
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.patch(f"/groups/{group.pk}", {"capacity": 20}).status_code == 404
    assert (
        api.post(
            f"/groups/{group.pk}/members", {"user_id": outsider.pk, "override": True}
        ).status_code
        == 404
    )
    assert api.post(f"/programs/{program.pk}/groups", {"name": "Sneaky"}).status_code == 404
    group.refresh_from_db()
    assert group.capacity == 9
    assert not TherapyGroup.objects.filter(name="Sneaky").exists()


def test_anonymous_gets_nothing_of_the_care_structure(
    anonymous_client: Client, program: Program, group: TherapyGroup, participant: User
) -> None:
    enrollment = Enrollment.objects.get(user=participant)
    for path in [
        *ADMIN_ONLY_PAGES,
        "/groups/{group}/",
        "/preferences/",
        f"/enrollments/{enrollment.pk}/",
    ]:
        response = anonymous_client.get(_fill(path, program, group, participant))
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")
    for path in [
        *ADMIN_ONLY_API,
        "/groups/{group}",
        "/me/preferences",
        f"/enrollments/{enrollment.pk}",
    ]:
        response = anonymous_client.get("/api/v1" + _fill(path, program, group, participant))
        assert response.status_code == 401, path


def test_admin_reviews_who_accessed_a_record(
    admin_client: Client, facilitator_client: Client, participant: User
) -> None:
    facilitator_client.get(f"/people/{participant.pk}/")
    page = admin_client.get(f"/people/{participant.pk}/audit/").content.decode()
    assert "profile.read" in page
    assert "Marcus" in page
