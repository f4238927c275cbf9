"""Refused changes to the care structure, and the accounting of disclosures."""

from __future__ import annotations

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup

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

# Who may read a group, an enrollment and the admin pages, over HTML and API,
# is in the generated matrix (tests/core/test_route_matrix.py). Here: that a
# refused change leaves nothing written, and the accounting of disclosures.


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


def test_admin_reviews_who_accessed_a_record(
    admin_client: Client, facilitator_client: Client, participant: User
) -> None:
    facilitator_client.get(f"/people/{participant.pk}/")
    page = admin_client.get(f"/people/{participant.pk}/audit/").content.decode()
    assert "profile.read" in page
    assert "Marcus" in page
