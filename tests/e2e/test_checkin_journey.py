"""A daily check-in shared with the group: the participant checks in on their
phone, the groupmate (already reading the group's check-in thread) sees it
appear without reloading, and the groupmate's reaction shows on the
participant's page. The live server is WSGI only, so polling carries it."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.spaces import checkins
from commonroom.spaces.models import Thread
from tests.e2e.conftest import sign_in, wait_for_live_event
from tests.e2e.test_space_journey import PHONE, snap

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_check_in_shared_with_the_group_reaches_the_groupmate_live(
    asgi_live_server: Any,
    new_page: Any,
    program: Program,
    group: TherapyGroup,
    participant: User,
    groupmate: User,
) -> None:
    # Yesterday's check-in by the groupmate opened the group's thread.
    checkins.do_check_in(
        user=groupmate,
        program=program,
        mood=6,
        craving=2,
        sleep_hours=Decimal("7"),
        grateful_for="my sister",
        note="",
        audience="group",
        client_id=uuid.uuid4(),
    )
    thread = Thread.objects.get(space__group=group)
    base = asgi_live_server.url
    lucia = new_page(viewport=PHONE)
    sign_in(lucia, base, groupmate.email)
    lucia.goto(f"{base}/threads/{thread.pk}/")
    lucia.evaluate("window.stillTheSamePage = true")

    sam = new_page(viewport=PHONE)
    sign_in(sam, base, participant.email)
    sam.goto(f"{base}/checkins/")
    sam.get_by_label("Mood").fill("7")
    sam.get_by_label("Craving").fill("3")
    sam.get_by_label("Hours of sleep last night").fill("6.5")
    sam.get_by_label("One thing I'm grateful for").fill("a quiet morning walk")
    sam.get_by_label("My group").check()
    snap(sam, "checkin-form-filled")
    sam.get_by_role("button", name="Check in").click()
    expect(sam.get_by_text("Thank you for checking in.")).to_be_visible()
    snap(sam, "checkin-saved")

    lucias_item = lucia.locator(".message-item", has_text="a quiet morning walk")
    expect(lucias_item).to_be_visible(timeout=15000)
    assert wait_for_live_event(lucia, "message.new")["payload"]["thread_id"] == thread.pk
    assert lucia.evaluate("window.stillTheSamePage") is True
    snap(lucia, "checkin-groupmate-sees-it")

    sam.goto(f"{base}/threads/{thread.pk}/")
    sam.evaluate("window.stillTheSamePage = true")
    lucias_item.get_by_role("button", name=re.compile("Sending love")).click()
    sams_item = sam.locator(".message-item", has_text="a quiet morning walk")
    expect(sams_item.locator("button[data-kind=heart] .count")).to_have_text("1", timeout=15000)
    assert wait_for_live_event(sam, "reaction.changed")["payload"]["counts"]
    assert sam.evaluate("window.stillTheSamePage") is True
    snap(sam, "checkin-participant-sees-reaction")
    assert sam.console_errors == []
    assert lucia.console_errors == []
