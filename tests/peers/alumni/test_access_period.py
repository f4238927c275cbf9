"""The program's alumni access period: 0 keeps alumni for as long as the
program runs the network; otherwise they leave it that many months after
completing. The same period governs the alumni spaces
(test_alumni_spaces.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.gatherings.models import Gathering
from commonroom.peers.alumni.access import alumni_program_ids
from commonroom.peers.alumni.actions import do_set_alumni_access
from tests.conftest import Api, signed_in_client

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]


def test_without_a_policy_alumni_stay(
    reunion: Gathering, alumnus: User, program: Program, frozen_clock: Any
) -> None:
    frozen_clock.move_to("2031-01-01T00:00Z")
    assert alumni_program_ids(alumnus) == {program.pk}


def test_alumni_leave_the_network_when_the_period_ends(
    reunion: Gathering, alumnus: User, admin: User, program: Program, frozen_clock: Any
) -> None:
    do_set_alumni_access(program=program, months=1, updated_by=admin)
    client = signed_in_client(alumnus)
    assert client.get(f"/gatherings/{reunion.pk}/").status_code == 200
    home = client.get("/alumni/").content.decode()
    assert "Your access lasts until 2 December 2026." in home
    frozen_clock.move_to("2026-12-02T16:00Z")
    client = signed_in_client(alumnus)  # a month later: a new sign-in
    assert client.get(f"/gatherings/{reunion.pk}/").status_code == 404
    assert client.get("/alumni/").status_code == 404


def test_the_home_states_the_policy(alumnus_client: Client, reunion: Gathering) -> None:
    html = alumnus_client.get("/alumni/").content.decode()
    assert "Alumni stay in this network for as long as the program keeps it." in html
    assert "Monthly alumni reunion" in html
    assert "Alumni lounge" in html


def test_changing_the_policy_is_audited(api_as: ApiAs, admin: User, program: Program) -> None:
    from commonroom.core.models import AuditEntry

    api_as(admin).call(
        "put", f"/alumni/programs/{program.pk}/settings", {"alumni_access_months": 24}
    )
    entry = AuditEntry.objects.get(action="alumni.settings")
    assert entry.detail == {"alumni_access_months": 24}
