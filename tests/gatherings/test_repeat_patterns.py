"""The form's "Repeats" choices become the rule they mean for the first
date; a custom rule is kept as typed; a made-up choice is refused and
nothing is stored."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from commonroom.care.models import Program
from commonroom.gatherings import patterns
from commonroom.gatherings.models import Gathering
from tests.gatherings.conftest import reunion_fields

THURSDAY_12_NOV = date(2026, 11, 12)  # the second Thursday


@pytest.mark.parametrize(
    ("pattern", "first", "rule"),
    [
        ("", THURSDAY_12_NOV, ""),
        ("weekly", THURSDAY_12_NOV, "FREQ=WEEKLY;BYDAY=TH"),
        ("fortnightly", THURSDAY_12_NOV, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
        ("monthly_weekday", THURSDAY_12_NOV, "FREQ=MONTHLY;BYDAY=2TH"),
        ("monthly_weekday", date(2026, 12, 31), "FREQ=MONTHLY;BYDAY=-1TH"),  # a fifth Thursday
        ("monthly_day", THURSDAY_12_NOV, "FREQ=MONTHLY;BYMONTHDAY=12"),
        ("monthly_day", date(2026, 12, 31), "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("monthly_day", date(2026, 11, 30), "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("monthly_day", date(2027, 2, 28), "FREQ=MONTHLY;BYMONTHDAY=28"),
    ],
)
def test_a_choice_is_the_rule_for_its_first_date(pattern: str, first: date, rule: str) -> None:
    assert patterns.rule_for(pattern, first) == rule
    assert patterns.pattern_of(rule, first) == pattern


def test_a_rule_no_choice_gives_is_custom() -> None:
    assert patterns.pattern_of("FREQ=MONTHLY;BYDAY=2TH,4TH", THURSDAY_12_NOV) == "custom"
    assert patterns.pattern_of("FREQ=MONTHLY;BYDAY=1TH", THURSDAY_12_NOV) == "custom"


@pytest.mark.django_db
def test_staff_pick_every_month_on_the_same_weekday(admin_client: Client, program: Program) -> None:
    fields = reunion_fields(recurrence="") | {
        "program_id": str(program.pk),
        "repeat_pattern": "monthly_weekday",
    }
    response = admin_client.post("/gatherings/new/", fields)
    assert response.status_code == 302
    gathering = Gathering.objects.get()
    assert gathering.recurrence == "FREQ=MONTHLY;BYDAY=2TH"
    page = admin_client.get(f"/gatherings/{gathering.pk}/edit/").content.decode()
    assert '<option value="monthly_weekday" selected>' in page
    assert "Now: Every month on the second Thursday." in page


@pytest.mark.django_db
def test_a_custom_rule_is_kept_as_typed(admin_client: Client, program: Program) -> None:
    fields = reunion_fields(recurrence="FREQ=MONTHLY;BYDAY=2TH,4TH") | {
        "program_id": str(program.pk),
        "repeat_pattern": "custom",
    }
    assert admin_client.post("/gatherings/new/", fields).status_code == 302
    assert Gathering.objects.get().recurrence == "FREQ=MONTHLY;BYDAY=2TH,4TH"


@pytest.mark.django_db
def test_does_not_repeat_ignores_a_leftover_custom_rule(
    admin_client: Client, program: Program
) -> None:
    fields = reunion_fields() | {"program_id": str(program.pk), "repeat_pattern": ""}
    assert admin_client.post("/gatherings/new/", fields).status_code == 302
    assert Gathering.objects.get().recurrence == ""


@pytest.mark.django_db
def test_a_made_up_choice_is_refused_and_nothing_stored(
    admin_client: Client, program: Program
) -> None:
    fields = reunion_fields() | {"program_id": str(program.pk), "repeat_pattern": "hourly"}
    response = admin_client.post("/gatherings/new/", fields)
    assert response.status_code == 422
    assert "Choose one of the listed options." in response.content.decode()
    assert not Gathering.objects.exists()
