"""A mentor's concern becomes a flag that only the subject's facilitators and
the program's admins see: never the subject, their peers, another group's
facilitator, or the mentor who raised it (they learn only that it was sent)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from commonroom.accounts.models import User
from commonroom.core.models import AuditEntry
from commonroom.peers.mentors.models import Mentorship
from commonroom.realtime.models import Event
from commonroom.safety.actions import do_set_flag_status
from commonroom.safety.models import Flag

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
SEES_FLAG = {"facilitator", "admin"}
NOTE = "Talked about not sleeping for days"


@pytest.fixture
def flag(
    mentor_client: Client, mentorship: Mentorship, django_capture_on_commit_callbacks: Any
) -> Flag:
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(
            f"/mentorships/{mentorship.pk}/concern/", {"kind": "wellbeing", "note": NOTE}
        )
    assert response.status_code == 302
    return Flag.objects.get()


def test_a_concern_takes_two_clicks_from_the_mentorship_page(
    mentor_client: Client, mentorship: Mentorship, participant: User, mentor: User
) -> None:
    page = mentor_client.get(f"/mentorships/{mentorship.pk}/").content.decode()
    assert "Raise a concern" in page  # click one opens the form, already on wellbeing
    assert 'value="wellbeing" id="id_kind_1" required checked' in page
    response = mentor_client.post(f"/mentorships/{mentorship.pk}/concern/", {"kind": "wellbeing"})
    assert response.status_code == 302  # click two
    flag = Flag.objects.get()
    assert (flag.subject_id, flag.raised_by_id, flag.source, flag.status) == (
        participant.pk,
        mentor.pk,
        "mentor_concern",
        "open",
    )
    follow = mentor_client.get(response["Location"]).content.decode()
    assert "Your concern was sent to the staff" in follow


@pytest.mark.parametrize("persona", PERSONAS)
def test_flag_list_over_html(request: pytest.FixtureRequest, persona: str, flag: Flag) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    response = client.get("/flags/")
    if persona in SEES_FLAG:
        assert response.status_code == 200
        assert NOTE in response.content.decode()
    elif persona == "other_facilitator":
        assert response.status_code == 200  # their own (empty) list
        assert NOTE not in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_flag_over_api(
    request: pytest.FixtureRequest, persona: str, flag: Flag, api_as: Any
) -> None:
    api = api_as(request.getfixturevalue(persona))
    single = api.get(f"/flags/{flag.pk}")
    listed = api.get("/flags")
    if persona in SEES_FLAG:
        assert single.status_code == 200
        assert single.json()["note"] == NOTE
        assert [f["id"] for f in listed.json()["items"]] == [flag.pk]
    else:
        assert single.status_code == 404
        assert listed.status_code == 404 or listed.json()["items"] == []


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in SEES_FLAG])
def test_others_cannot_change_a_flag(
    request: pytest.FixtureRequest, persona: str, flag: Flag, api_as: Any
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.post(f"/flags/{flag.pk}/status/", {"status": "resolved"}).status_code == 404
    api = api_as(request.getfixturevalue(persona))
    assert api.post(f"/flags/{flag.pk}/status", {"status": "resolved"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == "open"


def test_facilitator_acknowledges_then_resolves(
    facilitator_client: Client, flag: Flag, facilitator: User
) -> None:
    facilitator_client.post(f"/flags/{flag.pk}/status/", {"status": "acknowledged"})
    flag.refresh_from_db()
    assert flag.status == "acknowledged"
    assert flag.acknowledged_by_id == facilitator.pk
    facilitator_client.post(f"/flags/{flag.pk}/status/", {"status": "resolved"})
    flag.refresh_from_db()
    assert flag.status == "resolved"
    with pytest.raises(ValidationError):
        do_set_flag_status(flag=flag, status="acknowledged", changed_by=facilitator)
    assert NOTE not in facilitator_client.get("/flags/").content.decode()
    assert NOTE in facilitator_client.get("/flags/?resolved=1").content.decode()


def test_raising_and_reading_are_audited_without_the_note(
    flag: Flag, facilitator_client: Client, facilitator: User
) -> None:
    facilitator_client.get("/flags/")
    raised = AuditEntry.objects.get(action="flag.raise")
    assert raised.subject_id == flag.subject_id
    assert NOTE not in str(raised.detail)
    assert AuditEntry.objects.filter(action="flag.read", actor_id=facilitator.pk).exists()


def test_staff_are_emailed_without_any_detail(facilitator: User, flag: Flag) -> None:
    assert [m.to for m in mail.outbox] == [["facilitator@example.org"]]
    message = mail.outbox[0]
    for secret in (NOTE, "Sam", "Samuel", "wellbeing", "Jo"):
        assert secret not in message.body + message.subject
    flag.refresh_from_db()
    assert flag.staff_notified_at is not None


def test_without_a_facilitator_the_admins_are_emailed(admin: User, flag: Flag) -> None:
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]


def test_no_event_payload_carries_the_flag(flag: Flag) -> None:
    for payload in Event.objects.values_list("payload", flat=True):
        assert NOTE not in str(payload)
        assert "flag" not in str(payload)


def test_a_bad_kind_names_the_field(mentor: User, mentorship: Mentorship, api_as: Any) -> None:
    response = api_as(mentor).post(
        f"/mentors/mentorships/{mentorship.pk}/concern", {"kind": "gossip"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "kind"
    assert not Flag.objects.exists()


def test_mentor_api_learns_only_that_it_was_raised(
    mentor: User, mentorship: Mentorship, api_as: Any
) -> None:
    response = api_as(mentor).post(
        f"/mentors/mentorships/{mentorship.pk}/concern", {"kind": "safety", "note": "worried"}
    )
    assert response.status_code == 201
    assert response.json() == {"raised": True}


def test_the_flags_page_counts_every_flag_and_links_to_the_rest(
    admin_client: Client, program: Any, participant: User, mentor: User
) -> None:
    from commonroom.safety.views import FLAGS_PER_PAGE

    Flag.objects.bulk_create(
        Flag(program=program, subject=participant, kind="wellbeing", source="mentor",
             raised_by=mentor, note=f"flag {n}")
        for n in range(FLAGS_PER_PAGE + 1)
    )  # fmt: skip
    total = FLAGS_PER_PAGE + 1
    first = admin_client.get("/flags/").content.decode()
    assert f"Flags 1 to {FLAGS_PER_PAGE} of {total}." in first
    assert f'href="/flags/?offset={FLAGS_PER_PAGE}"' in first
    rest = admin_client.get(f"/flags/?offset={FLAGS_PER_PAGE}").content.decode()
    assert f"Flags {total} to {total} of {total}." in rest
    assert "More flags" not in rest


def test_the_api_records_only_the_flags_on_its_page(
    api_as: Any, admin: User, program: Any, participant: User, mentor: User
) -> None:
    Flag.objects.bulk_create(
        Flag(program=program, subject=participant, kind="wellbeing", source="mentor",
             raised_by=mentor, note=f"flag {n}")
        for n in range(3)
    )  # fmt: skip
    api_as(admin).get("/flags?limit=2")
    (entry,) = AuditEntry.objects.filter(action="flag.read")
    assert len(entry.detail["flag_ids"]) == 2
