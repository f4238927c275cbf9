"""Scheduling and editing: bad input names the field and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.core.models import AuditEntry
from commonroom.gatherings.models import Gathering
from tests.conftest import Api
from tests.gatherings.conftest import reunion_fields

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]


def create(api: Api, program: Program, **changes: Any) -> Any:
    body = reunion_fields(**changes) | {"program_id": program.pk}
    return api.post("/gatherings", {k: v for k, v in body.items() if v is not None})


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 121}, "title", "too_long"),
        ({"description": "x" * 2001}, "description", "too_long"),
        ({"place": "x" * 201}, "place", "too_long"),
        ({"audience": "everyone"}, "audience", "invalid"),
        ({"kind": "party"}, "kind", "invalid"),
        ({"starts_at": "tomorrow"}, "starts_at", "invalid"),
        ({"starts_at": ""}, "starts_at", "required"),
        ({"starts_at": "2026-10-01T19:00"}, "starts_at", "in_the_past"),
        ({"recurrence": "FREQ=HOURLY"}, "recurrence", "invalid"),
        ({"recurrence": "FREQ=MONTHLY;BYDAY=1TH"}, "starts_at", "invalid"),  # 12 Nov is 2TH
        ({"repeat_until": "2026-11-01"}, "repeat_until", "invalid"),
        ({"recurrence": "", "repeat_until": "2027-01-01"}, "repeat_until", "invalid"),
        ({"duration_minutes": 5}, "duration_minutes", "invalid"),
        ({"capacity": 0}, "capacity", "invalid"),
        ({"join_url": "javascript:alert(1)"}, "join_url", "invalid"),
    ],
)
def test_bad_input_names_the_field(
    api_as: ApiAs, admin: User, program: Program, changes: dict[str, Any], field: str, code: str
) -> None:
    response = create(api_as(admin), program, **changes)
    assert response.status_code == 422, response.json()
    error = response.json()["error"]
    assert (error["field"], error["code"]) == (field, code), error
    assert not Gathering.objects.exists()
    assert not AuditEntry.objects.filter(action="gathering.create").exists()


def test_staff_schedule_over_html(admin_client: Client, program: Program) -> None:
    fields = reunion_fields() | {"program_id": str(program.pk)}
    response = admin_client.post("/gatherings/new/", fields)
    gathering = Gathering.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/gatherings/{gathering.pk}/"
    assert gathering.recurrence == "FREQ=MONTHLY;BYDAY=2TH"
    assert AuditEntry.objects.get(action="gathering.create").actor_id is not None


def test_the_html_form_shows_the_error_beside_the_field(
    admin_client: Client, program: Program
) -> None:
    fields = reunion_fields(title="x" * 121) | {"program_id": str(program.pk)}
    response = admin_client.post("/gatherings/new/", fields)
    assert response.status_code == 422
    assert "Use at most 120 characters (this has 121)." in response.content.decode()
    assert not Gathering.objects.exists()


def test_an_offset_in_the_api_is_honoured(api_as: ApiAs, admin: User, program: Program) -> None:
    response = create(api_as(admin), program, starts_at="2026-11-13T01:00:00Z")
    assert response.status_code == 201
    assert response.json()["starts_at"].startswith("2026-11-13T01:00:00")


def test_editing_keeps_fields_left_out(api_as: ApiAs, admin: User, program: Program) -> None:
    created = create(api_as(admin), program).json()
    response = api_as(admin).patch(f"/gatherings/{created['id']}", {"place": "Zoom room 2"})
    assert response.status_code == 200
    body = response.json()
    assert body["place"] == "Zoom room 2"
    assert body["recurrence"] == "FREQ=MONTHLY;BYDAY=2TH"
    assert body["title"] == "Monthly alumni reunion"
