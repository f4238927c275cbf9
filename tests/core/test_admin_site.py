"""The Django admin shows care data but never changes it: changes go through
the actions, which audit them and close the sockets of people losing access."""

from __future__ import annotations

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, GroupMembership, Phase, TherapyGroup
from commonroom.core.models import AuditEntry
from tests import factories
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin_client() -> Client:
    person = User.objects.create_superuser(email="root@example.org", display_name="Root")
    factories.enable_totp(person)
    return signed_in_client(person)


def test_site_admin_sees_an_enrollment_in_the_admin(
    site_admin_client: Client, participant: User
) -> None:
    enrollment = Enrollment.objects.get(user=participant)
    response = site_admin_client.get(f"/site-admin/care/enrollment/{enrollment.pk}/change/")
    assert response.status_code == 200


def test_reading_an_enrollment_in_the_admin_is_audited(
    site_admin_client: Client, participant: User
) -> None:
    enrollment = Enrollment.objects.get(user=participant)
    site_admin_client.get(f"/site-admin/care/enrollment/{enrollment.pk}/change/")
    entry = AuditEntry.objects.get(action="admin.read")
    assert entry.subject_id == participant.pk
    assert (entry.target_type, entry.target_id) == ("care.enrollment", str(enrollment.pk))


def test_listing_enrollments_in_the_admin_is_audited(
    site_admin_client: Client, participant: User
) -> None:
    response = site_admin_client.get("/site-admin/care/enrollment/")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="admin.list_read")
    assert entry.detail == {"model": "care.enrollment"}


def test_site_admin_cannot_change_a_phase_in_the_admin(
    site_admin_client: Client, participant: User
) -> None:
    enrollment = Enrollment.objects.get(user=participant)
    response = site_admin_client.post(
        f"/site-admin/care/enrollment/{enrollment.pk}/change/",
        {"user": participant.pk, "program": enrollment.program_id, "phase": Phase.COMPLETED},
    )
    assert response.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.phase == Phase.ACTIVE
    assert not AuditEntry.objects.filter(action="enrollment.phase").exists()


def test_site_admin_cannot_add_a_group_membership_in_the_admin(
    site_admin_client: Client, outsider: User, group: TherapyGroup
) -> None:
    response = site_admin_client.post(
        "/site-admin/care/groupmembership/add/", {"user": outsider.pk, "group": group.pk}
    )
    assert response.status_code == 403
    assert not GroupMembership.objects.filter(user=outsider, group=group).exists()


def test_site_admin_cannot_change_a_groups_facilitators_in_the_admin(
    site_admin_client: Client, group: TherapyGroup, other_facilitator: User
) -> None:
    response = site_admin_client.post(
        f"/site-admin/care/therapygroup/{group.pk}/change/",
        {"name": group.name, "program": group.program_id, "facilitators": [other_facilitator.pk]},
    )
    assert response.status_code == 403
    assert not group.facilitators.filter(pk=other_facilitator.pk).exists()
