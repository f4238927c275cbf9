"""Joining a live session really opens the video room: the click is followed
through Commonroom's signed room link to a stand-in video host, under the
page's real CSP, and the roster shows the person as here only once the
browser got there. The join states (open, not yet open, ended) on a desktop
and a phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from commonroom.accounts.models import User
from commonroom.care.models import TherapyGroup
from commonroom.meetings.models import PresenceEvent, Session, SessionSeries
from tests.e2e.conftest import LiveServer, VideoHost, screenshot, sign_in, wait_for_live_event

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _session(group: TherapyGroup, *, minutes_from_now: int) -> Session:
    series = SessionSeries.objects.create(
        group=group,
        title="Evening group",
        rule="FREQ=WEEKLY;BYDAY=MO",
        start_date=timezone.localdate(),
        local_start=timezone.localtime().time(),
        duration_minutes=180,
    )
    start = timezone.now() + timedelta(minutes=minutes_from_now)
    return Session.objects.create(
        series=series,
        original_date=start.date(),
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )


def _claims(url: str) -> dict[str, Any]:
    token = parse_qs(urlsplit(url).query)["jwt"][0]
    claims: dict[str, Any] = jwt.decode(
        token, settings.JITSI_APP_SECRET, algorithms=["HS256"], audience="jitsi"
    )
    return claims


def test_join_opens_the_video_room_and_only_then_shows_the_person_here(
    asgi_live_server: LiveServer,
    video_host: VideoHost,
    settings: Any,
    new_page: Any,
    group: TherapyGroup,
    facilitator: User,
    participant: User,
) -> None:
    settings.JITSI_DOMAIN = video_host.domain
    session = _session(group, minutes_from_now=-5)
    base = asgi_live_server.url
    console = new_page()
    sign_in(console, base, facilitator.email, totp=True)
    console.goto(f"{base}/sessions/{session.pk}/console/")
    sams_line = console.locator("#roster li", has_text="Sam")
    expect(sams_line).to_contain_text("Not joined")

    sam = new_page(viewport=PHONE, ignore_https_errors=True)
    sign_in(sam, base, participant.email)
    sam.goto(f"{base}/sessions/{session.pk}/")
    screenshot(sam, "join-open-phone")
    expect(sams_line).to_contain_text("Not joined")
    assert not PresenceEvent.objects.exists()

    sam.get_by_role("link", name="Join the session").click()
    sam.wait_for_url(f"https://{video_host.domain}/**")
    expect(sam.get_by_role("heading", name="Stand-in video room")).to_be_visible()
    claims = _claims(sam.url)
    assert claims["room"] == urlsplit(sam.url).path.strip("/")
    assert claims["context"]["user"] == {
        "id": claims["context"]["user"]["id"],
        "name": "Sam",
        "moderator": False,
    }
    # The host itself was asked for the room, not a page the browser made up.
    assert video_host.requests[0] == urlsplit(sam.url).path + "?" + urlsplit(sam.url).query
    assert sam.console_errors == []  # a CSP refusal is reported here

    # The facilitator's console hears of the arrival over its websocket.
    assert wait_for_live_event(console, "console.changed")["payload"] == {"session": session.pk}
    expect(sams_line).to_contain_text("Here")
    assert console.console_errors == []


def test_the_facilitator_joins_the_video_room_from_the_console(
    asgi_live_server: LiveServer,
    video_host: VideoHost,
    settings: Any,
    new_page: Any,
    group: TherapyGroup,
    facilitator: User,
) -> None:
    settings.JITSI_DOMAIN = video_host.domain
    session = _session(group, minutes_from_now=-5)
    base = asgi_live_server.url
    page = new_page(ignore_https_errors=True)
    sign_in(page, base, facilitator.email, totp=True)
    page.goto(f"{base}/sessions/{session.pk}/console/")
    page.get_by_role("link", name="Join as facilitator").click()
    page.wait_for_url(f"https://{video_host.domain}/**")
    assert _claims(page.url)["context"]["user"]["moderator"] is True
    assert video_host.requests[0].startswith(urlsplit(page.url).path + "?jwt=")
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_join_waits_for_the_room_and_disappears_when_the_session_ends(
    asgi_live_server: LiveServer,
    new_page: Any,
    group: TherapyGroup,
    participant: User,
    viewport: dict[str, int] | None,
) -> None:
    live = _session(group, minutes_from_now=-5)
    soon = _session(group, minutes_from_now=60)
    ended = _session(group, minutes_from_now=-200)
    base = asgi_live_server.url
    size = "phone" if viewport else "desktop"
    page = new_page(viewport=viewport) if viewport else new_page()
    sign_in(page, base, participant.email)

    page.goto(f"{base}/sessions/{live.pk}/")
    href = page.get_by_role("link", name="Join the session").get_attribute("href") or ""
    assert href.startswith(f"/sessions/{live.pk}/join/?t=")
    screenshot(page, f"join-open-{size}")

    page.goto(f"{base}/sessions/{soon.pk}/")
    waiting = page.get_by_role("link", name="Join the session")
    expect(waiting).to_have_attribute("aria-disabled", "true")
    assert waiting.get_attribute("href") is None
    expect(page.get_by_text("The room opens at")).to_be_visible()
    # Greyed, dashed and no pointer: it does not look pressable.
    assert waiting.evaluate("e => getComputedStyle(e).cursor") == "not-allowed"
    assert waiting.evaluate("e => getComputedStyle(e).borderStyle") == "dashed"
    waiting.click(force=True)
    assert page.url == f"{base}/sessions/{soon.pk}/"
    screenshot(page, f"join-not-yet-open-{size}")

    page.goto(f"{base}/sessions/{ended.pk}/")
    expect(page.get_by_text("This session has ended.")).to_be_visible()
    expect(page.get_by_role("link", name="Join the session")).to_have_count(0)
    screenshot(page, f"join-ended-{size}")
    assert not PresenceEvent.objects.exists()
    assert page.console_errors == []
