"""A program administrator who reads Commonroom in Spanish schedules the
monthly alumni reunion by picking "every month on the same weekday", and the
page says when it repeats in words."""

from __future__ import annotations

from typing import Any

import pytest

from commonroom.accounts.models import User
from commonroom.gatherings.models import Gathering
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_schedules_a_monthly_reunion_in_spanish(
    asgi_live_server: Any, new_page: Any, admin: User
) -> None:
    User.objects.filter(pk=admin.pk).update(preferred_language="es")
    page = new_page()
    sign_in(page, asgi_live_server.url, admin.email, totp=True)

    page.goto(f"{asgi_live_server.url}/gatherings/new/")
    page.fill("#id_title", "Reencuentro mensual")
    page.fill("#id_starts_at", "2027-01-14T19:00")  # the second Thursday of January
    page.fill("#id_duration", "90")
    options = page.locator("#id_repeat_pattern option").all_inner_texts()
    assert "Cada mes, el mismo día de la semana (por ejemplo, el segundo jueves)" in options
    page.select_option("#id_repeat_pattern", "monthly_weekday")
    screenshot(page, "gathering-form-es")
    page.get_by_role("button", name="Guardar").click()

    page.get_by_text("Cada mes el segundo jueves").wait_for()
    screenshot(page, "gathering-detail-es")
    gathering = Gathering.objects.get()
    assert gathering.recurrence == "FREQ=MONTHLY;BYDAY=2TH"
    assert "FREQ=" not in page.content()
    assert page.console_errors == []
