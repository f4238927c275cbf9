"""Intake preferences offer the program's own catalogue: the default keys
keep working, and an entry an administrator added can be chosen by the
program's people only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Phase
from commonroom.peers.affinity.actions import do_create_affinity_group
from tests import factories

pytestmark = pytest.mark.django_db

Api = Callable[[User | None], Any]


@pytest.fixture
def parents(program: Any, admin: User) -> Any:
    return do_create_affinity_group(
        program=program, name="Parents", description="For parents.", created_by=admin
    )


def test_an_added_entry_can_be_chosen(parents: Any, participant: User, api_as: Api) -> None:
    response = api_as(participant).patch(
        "/me/preferences", {"affinity_interests": ["parents", "lgbtq"]}
    )
    assert response.status_code == 200
    assert response.json()["affinity_interests"] == ["lgbtq", "parents"]


def test_the_preferences_page_lists_the_added_entry(
    parents: Any, participant_client: Client
) -> None:
    page = participant_client.get("/preferences/").content.decode()
    assert 'value="parents"' in page
    assert 'value="veterans"' in page


def test_another_programs_entry_cannot_be_chosen(parents: Any, api_as: Api) -> None:
    stranger = factories.UserFactory(display_name="Elsewhere")
    factories.enroll(stranger, factories.ProgramFactory(), Phase.ACTIVE)
    response = api_as(stranger).patch("/me/preferences", {"affinity_interests": ["parents"]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "affinity_interests"
