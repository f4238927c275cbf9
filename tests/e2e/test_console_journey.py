"""The facilitator runs the console: logs shares and starts breakouts; two
participants, each in their own browser, see their rooms and the countdown."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.meetings.actions import do_record_presence
from commonroom.meetings.models import Session, SessionSeries
from tests import factories
from tests.e2e.conftest import VideoHost, screenshot, sign_in, wait_for_live_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_facilitator_console_and_breakouts_across_three_browsers(
    asgi_live_server: Any,
    video_host: VideoHost,
    settings: Any,
    new_page: Any,
    program: Program,
    group: TherapyGroup,
    facilitator: User,
    participant: User,
    groupmate: User,
) -> None:
    settings.JITSI_DOMAIN = video_host.domain
    others: list[User] = []
    for name in ("Ana", "Ben"):
        person: User = factories.UserFactory.create(display_name=name)
        factories.enroll(person, program)
        factories.join(person, group)
        others.append(person)
    series = SessionSeries.objects.create(
        group=group,
        title="Evening group",
        rule="FREQ=WEEKLY;BYDAY=MO",
        start_date=timezone.localdate(),
        local_start=timezone.localtime().time(),
        duration_minutes=180,
    )
    start = timezone.now() - timedelta(minutes=5)
    session = Session.objects.create(
        series=series,
        original_date=timezone.localdate(),
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )
    for person in (participant, groupmate, *others):
        do_record_presence(session=session, user=person, kind="join", source="provider")

    base = asgi_live_server.url
    facilitator_page = new_page()
    sign_in(facilitator_page, base, facilitator.email, totp=True)
    sam = new_page(viewport={"width": 390, "height": 844}, ignore_https_errors=True)
    sign_in(sam, base, participant.email)
    lucia = new_page(viewport={"width": 390, "height": 844})
    sign_in(lucia, base, groupmate.email)
    sam.goto(f"{base}/sessions/{session.pk}/")
    lucia.goto(f"{base}/sessions/{session.pk}/")

    facilitator_page.goto(f"{base}/sessions/{session.pk}/console/")
    heard_list = facilitator_page.locator("#not-yet-heard")
    for name in ("Sam", "Lucia", "Ana", "Ben"):
        assert name in heard_list.inner_text()
    # Marks the document: it survives only if nothing reloads the page.
    facilitator_page.evaluate("window.stillTheSamePage = true")
    facilitator_page.get_by_role("button", name="Sam shared").click()
    # Web-first assertions: the page's CSP forbids the eval a JS predicate needs.
    expect(heard_list).not_to_contain_text("Sam")
    assert facilitator_page.evaluate("window.stillTheSamePage") is True
    assert "Lucia" in heard_list.inner_text()
    facilitator_page.get_by_role("button", name="Lucia passes").click()
    expect(facilitator_page.locator("#passed")).to_contain_text("Lucia")
    expect(heard_list).not_to_contain_text("Lucia")
    facilitator_page.get_by_role("button", name="Long share by Ana").click()
    expect(facilitator_page.locator("#heard")).to_contain_text("Ana")
    assert facilitator_page.evaluate("window.stillTheSamePage") is True
    screenshot(facilitator_page, "console-voices")

    facilitator_page.get_by_label("Make").select_option("count")
    facilitator_page.get_by_label("Number").fill("2")
    facilitator_page.get_by_role("button", name="Plan breakout rooms").click()
    facilitator_page.get_by_role("button", name="Open the rooms").click()
    facilitator_page.get_by_text("Rooms are open.").wait_for()
    screenshot(facilitator_page, "console-breakouts-open")

    for page in (sam, lucia):
        # Without reloading: the websocket tells the breakout panel to refresh.
        assert wait_for_live_event(page, "breakouts.changed")["payload"]
        page.get_by_text(re.compile(r"You are in breakout room \d")).wait_for(timeout=15000)
        countdown = page.locator("[data-countdown]").first
        expect(countdown).to_have_text(re.compile(r"^\d+:\d{2}$"))
        assert re.fullmatch(r"1[45]:\d{2}|\d:\d{2}", countdown.inner_text())
    screenshot(sam, "participant-breakout-room")
    # "Go to my room" reaches the breakout's own video room on the video host.
    sam.get_by_role("link", name="Go to my room").click()
    sam.wait_for_url(f"https://{video_host.domain}/**")
    token = parse_qs(urlsplit(sam.url).query)["jwt"][0]
    claims = jwt.decode(token, settings.JITSI_APP_SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == urlsplit(sam.url).path.strip("/")
    assert video_host.requests[0].startswith(urlsplit(sam.url).path + "?jwt=")
    sam.goto(f"{base}/")
    expect(sam.locator("#next-session")).to_contain_text("Evening group")
    join = sam.locator("#next-session").get_by_role("link", name="Join the session")
    expect(join).to_have_attribute("href", re.compile(rf"^/sessions/{session.pk}/join/\?t="))
    screenshot(sam, "participant-home-next-session")
    assert facilitator_page.console_errors == []
    assert sam.console_errors == []
    assert lucia.console_errors == []
