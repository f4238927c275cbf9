"""A facilitator signs in with their TOTP code and steps a participant down."""

from __future__ import annotations

from typing import Any

import pytest

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, TherapyGroup
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_facilitator_signs_in_with_totp_and_changes_a_phase(
    asgi_live_server: Any, new_page: Any, facilitator: User, participant: User, group: TherapyGroup
) -> None:
    page = new_page()
    sign_in(page, asgi_live_server.url, facilitator.email, totp=True)

    page.get_by_role("link", name=group.name).click()
    roster = page.get_by_role("table")
    assert "Active" in roster.inner_text()
    page.get_by_role("link", name="Sam").click()
    page.get_by_label("New phase").select_option("step_down")
    page.get_by_label("Reason").fill("Meeting goals; fewer sessions now.")
    page.get_by_role("button", name="Change phase").click()
    page.get_by_text("Phase changed.").wait_for()
    screenshot(page, "facilitator-phase-change")
    assert Enrollment.objects.get(user=participant).phase == "step_down"
    assert page.console_errors == []
