"""Idle sign-out: the warning every page carries, its status endpoint and
"stay signed in". The console's part is in tests/meetings/test_console.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSIVE = {"HTTP_X_COMMONROOM_PASSIVE": "1"}


def test_signed_in_pages_carry_the_idle_limit_and_the_warning(
    facilitator_client: Client,
) -> None:
    html = facilitator_client.get("/").content.decode()
    assert 'data-idle-seconds="900"' in html
    assert 'role="alertdialog"' in html
    assert "Stay signed in" in html


def test_the_idle_status_counts_down_without_counting_as_activity(
    participant_client: Client,
) -> None:
    participant_client.get("/")
    with time_machine.travel(timezone.now() + timedelta(minutes=50)):
        first = participant_client.get("/idle/", **PASSIVE).json()  # type: ignore[arg-type]
    with time_machine.travel(timezone.now() + timedelta(minutes=55)):
        second = participant_client.get("/idle/", **PASSIVE).json()  # type: ignore[arg-type]
    assert first["limit"] == 3600
    assert 590 <= first["remaining"] <= 600
    assert 290 <= second["remaining"] <= 300


def test_staying_signed_in_restarts_the_idle_clock(participant_client: Client) -> None:
    participant_client.get("/")
    with time_machine.travel(timezone.now() + timedelta(minutes=58)):
        assert participant_client.post("/idle/").json()["remaining"] >= 3590
    with time_machine.travel(timezone.now() + timedelta(minutes=58 + 59)):
        assert participant_client.get("/").status_code == 200


def test_the_idle_status_of_someone_signed_out_is_unauthenticated(
    anonymous_client: Client,
) -> None:
    response = anonymous_client.get("/idle/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_idle_status_signs_out_someone_past_the_limit(participant_client: Client) -> None:
    participant_client.get("/")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = participant_client.get("/idle/", **PASSIVE)  # type: ignore[arg-type]
    assert response["Location"] == "/accounts/login/"
