"""A little before the idle sign-out, a phone shows a warning with "Stay
signed in"; choosing it keeps the person signed in. The page's timers run
on Playwright's clock and the server's on time_machine, both moved by hand,
so nothing here waits for minutes to pass."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from commonroom.accounts.models import User
from tests.e2e.conftest import LiveServer, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_a_phone_is_warned_before_idle_sign_out_and_can_stay_signed_in(
    asgi_live_server: LiveServer, new_page: Any, settings: Any, participant: User
) -> None:
    settings.IDLE_MINUTES_PARTICIPANT = 5  # the warning comes 75 seconds before
    base = asgi_live_server.url
    sam = new_page(viewport=PHONE)
    sam.clock.install()
    start = timezone.now()
    sign_in(sam, base, participant.email)
    warning = sam.get_by_role("alertdialog", name="Are you still there?")
    expect(warning).to_be_hidden()

    with time_machine.travel(start + timedelta(minutes=4)):
        sam.clock.fast_forward("04:00")
        expect(warning).to_be_visible()
        stay = warning.get_by_role("button", name="Stay signed in")
        expect(stay).to_be_focused()
        expect(warning.locator("[data-idle-countdown]")).to_have_text(re.compile(r"^[01]:\d\d$"))
        # Whole on the phone's screen, at the bottom where the thumb is.
        box = warning.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] + box["height"] <= PHONE["height"]
        screenshot(sam, "idle-warning-phone")
        stay.click()
        expect(warning).to_be_hidden()

    # Four minutes after staying, eight after the last page: still signed in.
    with time_machine.travel(start + timedelta(minutes=8)):
        sam.goto(f"{base}/")
        expect(sam.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    assert sam.console_errors == []


def test_without_staying_the_page_signs_out_and_says_why(
    asgi_live_server: LiveServer, new_page: Any, settings: Any, participant: User
) -> None:
    settings.IDLE_MINUTES_PARTICIPANT = 5
    base = asgi_live_server.url
    sam = new_page(viewport=PHONE)
    sam.clock.install()
    start = timezone.now()
    sign_in(sam, base, participant.email)
    with time_machine.travel(start + timedelta(minutes=4)):
        sam.clock.fast_forward("04:00")
        expect(sam.get_by_role("alertdialog")).to_be_visible()
    with time_machine.travel(start + timedelta(minutes=6)):
        sam.clock.fast_forward("02:00")
        sam.wait_for_url(re.compile(r"/accounts/login/"))
        expect(sam.get_by_text("signed out after a period of inactivity")).to_be_visible()
