"""Enrollment phases: allowed transitions only, dated history, and access
that follows the phase at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, TestCase

from commonroom.accounts.models import User
from commonroom.care.actions import do_change_phase
from commonroom.care.models import Enrollment, GroupMembership, Phase, PhaseChange
from commonroom.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def enrollment_of(user: User) -> Enrollment:
    return Enrollment.objects.get(user=user)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Phase.INTAKE, Phase.COMPLETED),
        (Phase.INTAKE, Phase.STEP_DOWN),
        (Phase.COMPLETED, Phase.ACTIVE),
        (Phase.DISCHARGED, Phase.ACTIVE),
        (Phase.COMPLETED, Phase.DISCHARGED),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    participant: User, admin: User, start: str, target: str
) -> None:
    enrollment = enrollment_of(participant)
    Enrollment.objects.filter(pk=enrollment.pk).update(phase=start)
    memberships = GroupMembership.objects.filter(user=participant, left_at__isnull=True).count()
    with pytest.raises(ValidationError) as caught:
        do_change_phase(
            enrollment_id=enrollment.pk, to_phase=target, reason="test", changed_by=admin
        )
    assert caught.value.error_dict["phase"][0].code == "illegal_transition"
    assert "cannot move to" in caught.value.message_dict["phase"][0]
    enrollment.refresh_from_db()
    assert enrollment.phase == start
    assert not PhaseChange.objects.exists()
    assert not AuditEntry.objects.filter(action="enrollment.phase").exists()
    assert (
        GroupMembership.objects.filter(user=participant, left_at__isnull=True).count()
        == memberships
    )


def test_each_change_is_dated_with_its_reason(participant: User, facilitator: User) -> None:
    enrollment = enrollment_of(participant)
    do_change_phase(
        enrollment_id=enrollment.pk,
        to_phase=Phase.STEP_DOWN,
        reason="Meeting goals",
        changed_by=facilitator,
    )
    change = PhaseChange.objects.get()
    assert (change.from_phase, change.to_phase, change.reason) == (
        "active",
        "step_down",
        "Meeting goals",
    )
    assert change.changed_by == facilitator
    audit = AuditEntry.objects.get(action="enrollment.phase")
    assert audit.detail == {"from": "active", "to": "step_down"}
    assert audit.subject_id == participant.pk


def test_a_reason_is_required(participant: User, admin: User) -> None:
    with pytest.raises(ValidationError) as caught:
        do_change_phase(
            enrollment_id=enrollment_of(participant).pk,
            to_phase=Phase.STEP_DOWN,
            reason="  ",
            changed_by=admin,
        )
    assert "reason" in caught.value.message_dict


def test_completion_makes_an_alumnus_who_loses_the_active_group(
    participant: User,
    groupmate_client: Client,
    participant_client: Client,
    admin: User,
    group: object,
) -> None:
    assert participant_client.get(f"/groups/{group.pk}/").status_code == 200  # type: ignore[attr-defined]
    do_change_phase(
        enrollment_id=enrollment_of(participant).pk,
        to_phase=Phase.COMPLETED,
        reason="Done",
        changed_by=admin,
    )
    assert enrollment_of(participant).is_alumnus
    assert not GroupMembership.objects.filter(user=participant, left_at__isnull=True).exists()
    assert participant_client.get(f"/groups/{group.pk}/").status_code == 404  # type: ignore[attr-defined]
    assert groupmate_client.get(f"/people/{participant.pk}/").status_code == 404
    # They keep their own history.
    enrollment = enrollment_of(participant)
    assert participant_client.get(f"/enrollments/{enrollment.pk}/").status_code == 200


def test_completion_closes_the_persons_open_sockets(participant: User, admin: User) -> None:
    from unittest import mock

    with (
        mock.patch("commonroom.care.actions.enrollment.close_user_sockets") as close,
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        do_change_phase(
            enrollment_id=enrollment_of(participant).pk,
            to_phase=Phase.COMPLETED,
            reason="Done",
            changed_by=admin,
        )
    close.assert_called_once_with(participant.pk)


def test_facilitator_changes_phase_over_html(facilitator_client: Client, participant: User) -> None:
    enrollment = enrollment_of(participant)
    response = facilitator_client.post(
        f"/enrollments/{enrollment.pk}/phase/", {"phase": "step_down", "reason": "Ready"}
    )
    assert response.status_code == 302
    assert enrollment_of(participant).phase == "step_down"


def test_illegal_transition_over_html_names_the_problem(
    admin_client: Client, participant: User
) -> None:
    enrollment = enrollment_of(participant)
    Enrollment.objects.filter(pk=enrollment.pk).update(phase="completed")
    response = admin_client.post(
        f"/enrollments/{enrollment.pk}/phase/", {"phase": "active", "reason": "Back"}
    )
    assert response.status_code == 422
    assert "cannot move to Active" in response.content.decode()
    assert enrollment_of(participant).phase == "completed"


def test_illegal_transition_over_api_names_the_field(
    api_as: object, admin: User, participant: User
) -> None:
    enrollment = enrollment_of(participant)
    response = api_as(admin).post(  # type: ignore[operator]
        f"/enrollments/{enrollment.pk}/phase", {"phase": "intake", "reason": "Oops"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["field"] == "phase"
    assert "cannot move to Intake" in error["message"]
    assert enrollment_of(participant).phase == "active"


def test_phase_change_over_api_returns_the_new_phase(
    api_as: object, facilitator: User, participant: User
) -> None:
    enrollment = enrollment_of(participant)
    api = api_as(facilitator)  # type: ignore[operator]
    response = api.post(
        f"/enrollments/{enrollment.pk}/phase", {"phase": "step_down", "reason": "Goals met"}
    )
    assert response.status_code == 200
    assert response.json()["phase"] == "step_down"
    history = api.get(f"/enrollments/{enrollment.pk}/history").json()["items"]
    assert [(h["from_phase"], h["to_phase"]) for h in history] == [("active", "step_down")]


@pytest.mark.parametrize(
    "persona", ["participant", "groupmate", "outsider", "other_facilitator", "mentor", "alumnus"]
)
def test_only_the_persons_staff_change_their_phase(
    request: pytest.FixtureRequest, api_as: object, persona: str, participant: User
) -> None:
    enrollment = enrollment_of(participant)
    client: Client = request.getfixturevalue(f"{persona}_client")
    html = client.post(
        f"/enrollments/{enrollment.pk}/phase/", {"phase": "step_down", "reason": "x"}
    )
    assert html.status_code == 404
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert (
        api.post(
            f"/enrollments/{enrollment.pk}/phase", {"phase": "step_down", "reason": "x"}
        ).status_code
        == 404
    )
    assert enrollment_of(participant).phase == "active"
