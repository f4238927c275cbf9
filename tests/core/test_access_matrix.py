"""The access-policy matrix: what each persona sees of a person's profile,
over HTML and API (which routes refuse whom is tests/core/test_route_matrix.py).

Peers see display name and pronouns; staff for a person see the rest; anyone
else gets a 404 so ids leak nothing; anonymous visitors get only sign-in and
help pages.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PEER_ONLY = {"display_name", "pronouns"}
PRIVATE_VALUES = ("Samuel Private", "participant@example.org", "Captions please")

# viewer -> what they may see of the participant's profile
PROFILE_OF_PARTICIPANT = {
    "participant": "self",
    "groupmate": "peer",
    "outsider": None,
    "facilitator": "staff",
    "other_facilitator": None,
    "mentor": None,
    "alumnus": None,
    "admin": "staff",
}


@pytest.mark.parametrize(("viewer", "expected"), PROFILE_OF_PARTICIPANT.items())
def test_profile_of_participant_over_html(
    request: pytest.FixtureRequest, participant: User, viewer: str, expected: str | None
) -> None:
    client: Client = request.getfixturevalue(f"{viewer}_client")
    response = client.get(f"/people/{participant.pk}/")
    if expected is None:
        assert response.status_code == 404
        assert not re.search(r"\bSam\b", response.content.decode())  # not inside a nonce
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sam" in html
    for value in PRIVATE_VALUES:
        assert (value in html) is (expected != "peer"), value


@pytest.mark.parametrize(("viewer", "expected"), PROFILE_OF_PARTICIPANT.items())
def test_profile_of_participant_over_api(
    request: pytest.FixtureRequest,
    api_as: object,
    participant: User,
    viewer: str,
    expected: str | None,
) -> None:
    api = api_as(request.getfixturevalue(viewer))  # type: ignore[operator]
    response = api.get(f"/people/{participant.pk}")
    if expected is None:
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
        return
    assert response.status_code == 200
    body = response.json()
    assert body["visibility"] == expected
    shown = set(body) - {"id", "visibility"}
    if expected == "peer":
        assert shown == PEER_ONLY
    else:
        assert {"legal_name", "email", "accessibility_needs"} <= shown


def test_unknown_person_and_hidden_person_answer_the_same(
    outsider_client: Client, participant: User
) -> None:
    hidden = outsider_client.get(f"/people/{participant.pk}/")
    missing = outsider_client.get("/people/987654/")
    assert hidden.status_code == missing.status_code == 404
    main = re.compile(rb"<main.*</main>", re.DOTALL)
    assert main.search(hidden.content).group(0) == main.search(missing.content).group(0)  # type: ignore[union-attr]


def test_alumnus_is_no_longer_a_peer_of_the_active_group(
    alumnus_client: Client, groupmate_client: Client, participant: User, alumnus: User
) -> None:
    assert alumnus_client.get(f"/people/{participant.pk}/").status_code == 404
    assert groupmate_client.get(f"/people/{alumnus.pk}/").status_code == 404


def test_completing_the_program_ends_peer_visibility_at_once(
    groupmate_client: Client, participant: User
) -> None:
    assert groupmate_client.get(f"/people/{participant.pk}/").status_code == 200
    participant.enrollments.update(phase="completed")
    assert groupmate_client.get(f"/people/{participant.pk}/").status_code == 404


def test_staff_reads_of_a_profile_are_audited(
    facilitator_client: Client, participant: User, facilitator: User
) -> None:
    facilitator_client.get(f"/people/{participant.pk}/")
    entry = AuditEntry.objects.get(action="profile.read")
    assert entry.actor_id == facilitator.pk
    assert entry.subject_id == participant.pk


def test_peer_reads_are_not_protected_data(groupmate_client: Client, participant: User) -> None:
    groupmate_client.get(f"/people/{participant.pk}/")
    assert not AuditEntry.objects.filter(action="profile.read").exists()


# --- anonymous visitors ------------------------------------------------------
#
# Every other route and operation, for anonymous visitors as for everyone
# else, is in the generated matrix: tests/core/test_route_matrix.py.


def test_anonymous_cannot_open_the_admin_site(anonymous_client: Client) -> None:
    response = anonymous_client.get("/site-admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]
