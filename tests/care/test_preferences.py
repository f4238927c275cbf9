"""Intake preferences: editable by the person, seen by their care team only."""

from __future__ import annotations

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import IntakePreferences
from commonroom.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_person_edits_preferences_in_the_browser(
    participant: User, participant_client: Client
) -> None:
    page = participant_client.get("/preferences/").content.decode()
    assert "Only you and your care team" in page
    response = participant_client.post(
        "/preferences/",
        {
            "languages": ["en", "es"],
            "affinity_interests": ["lgbtq"],
            "use_affinities_for_matching": "on",
            "mentor_gender_preference": "woman",
            "camera_comfort": "sometimes",
            "availability": "Mon 18:00-21:00\nThu 09:00-11:30",
        },
    )
    assert response.status_code == 302
    prefs = IntakePreferences.objects.get(user=participant)
    assert prefs.languages == ["en", "es"]
    assert prefs.availability == [
        {"day": 0, "start": "18:00", "end": "21:00"},
        {"day": 3, "start": "09:00", "end": "11:30"},
    ]
    assert prefs.use_affinities_for_matching is True


def test_a_malformed_window_names_the_line_and_saves_nothing(
    participant: User, participant_client: Client
) -> None:
    response = participant_client.post(
        "/preferences/",
        {"languages": ["en"], "availability": "Mon 18:00-21:00\nsometime in the evening"},
    )
    assert response.status_code == 422
    assert "Line 2" in response.content.decode()
    assert not IntakePreferences.objects.filter(user=participant).exists()


def test_a_window_that_ends_before_it_starts_is_refused(api_as: object, participant: User) -> None:
    response = api_as(participant).patch(  # type: ignore[operator]
        "/me/preferences", {"availability": [{"day": 1, "start": "21:00", "end": "18:00"}]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "availability"


def test_unknown_affinity_is_refused(api_as: object, participant: User) -> None:
    response = api_as(participant).patch("/me/preferences", {"affinity_interests": ["martians"]})  # type: ignore[operator]
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "affinity_interests"


def test_the_api_says_who_can_see_each_field(api_as: object, participant: User) -> None:
    body = api_as(participant).get("/me/preferences").json()  # type: ignore[operator]
    assert body["visibility"]["affinity_interests"] == "care_team"


PREFERENCES_SEEN_BY = {
    "groupmate": False,
    "outsider": False,
    "facilitator": True,
    "other_facilitator": False,
    "mentor": False,
    "alumnus": False,
    "admin": True,
}


@pytest.mark.parametrize(("persona", "sees"), PREFERENCES_SEEN_BY.items())
def test_another_persons_preferences_are_for_their_care_team(
    request: pytest.FixtureRequest, api_as: object, participant: User, persona: str, sees: bool
) -> None:
    IntakePreferences.objects.create(user=participant, affinity_interests=["lgbtq"])
    response = api_as(request.getfixturevalue(persona)).get(f"/people/{participant.pk}/preferences")  # type: ignore[operator]
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert response.json()["affinity_interests"] == ["lgbtq"]
        assert AuditEntry.objects.filter(
            action="preferences.read", subject_id=participant.pk
        ).exists()
    else:
        assert "lgbtq" not in response.content.decode()
