"""Two group members on their phones in one thread: a message and a reaction
reach the other page without a reload, and a message written offline is sent
once when the connection returns. The server is the product's ASGI server,
so the message and the reaction arrive over the websocket."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.spaces import actions
from commonroom.spaces.models import Message, Space, SpaceKind, SpaceScope, Thread
from tests.e2e.conftest import screenshot, sign_in, wait_for_live_event

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def snap(page: Any, name: str) -> None:
    """A screenshot, then Playwright's leftovers removed: hiding the caret
    leaves ``style=""`` on inputs, which htmx copies while settling the next
    swap, and the CSP (rightly) refuses that inline style."""
    screenshot(page, name)
    page.evaluate("document.querySelectorAll('[style]').forEach((e) => e.removeAttribute('style'))")


@pytest.fixture
def thread(program: Program, group: TherapyGroup, participant: User) -> Thread:
    # The space every therapy group is given when it is created.
    space = Space.objects.get(scope=SpaceScope.GROUP, group=group, kind=SpaceKind.GENERAL)
    return Thread.objects.create(space=space, title="How was your week?", created_by=participant)


def test_group_thread_updates_live_on_both_phones(
    asgi_live_server: Any, new_page: Any, participant: User, groupmate: User, thread: Thread
) -> None:
    base = asgi_live_server.url
    sam = new_page(viewport=PHONE)
    sign_in(sam, base, participant.email)
    lucia = new_page(viewport=PHONE)
    sign_in(lucia, base, groupmate.email)
    actions.do_post_message(
        space=thread.space,
        author=groupmate,
        body="Welcome back @Sam",
        client_id=uuid.uuid4(),
        thread=thread,
    )
    sam.goto(f"{base}/spaces/")
    row = sam.locator(".space-row", has_text="Group A · General")
    expect(row.locator("[data-unread]")).to_have_text("1 new")
    expect(row.locator("[data-mentions]")).to_have_text("@ 1 mention")
    snap(sam, "space-list-participant")
    row.get_by_role("link", name="Group A · General").click()
    expect(sam.get_by_role("heading", name="Start a thread")).to_be_visible()
    snap(sam, "space-page-participant")
    sam.get_by_role("link", name="How was your week?").click()
    expect(sam.locator(".message-item", has_text="Welcome back")).to_be_visible()
    lucia.goto(f"{base}/threads/{thread.pk}/")
    # Marks each document: it survives only if nothing reloads the page.
    for page in (sam, lucia):
        page.evaluate("window.stillTheSamePage = true")

    sam.get_by_label("Your message").fill("Day **30** today, feeling steady")
    sam.get_by_role("button", name="Post").click()
    sams_item = sam.locator(".message-item", has_text="Day 30 today")
    expect(sams_item).to_be_visible()
    expect(sam.get_by_label("Your message")).to_have_value("")

    lucias_item = lucia.locator(".message-item", has_text="Day 30 today")
    expect(lucias_item).to_be_visible(timeout=15000)
    posted = wait_for_live_event(lucia, "message.new")
    assert posted["payload"]["thread_id"] == thread.pk
    expect(lucias_item.locator("strong")).to_have_text("30")
    snap(lucia, "space-thread-groupmate-sees-message")

    lucias_item.get_by_role("button", name=re.compile("Proud of you")).click()
    expect(lucias_item.locator("button[data-kind=clap]")).to_have_attribute("aria-pressed", "true")
    expect(lucias_item.locator("button[data-kind=clap] .count")).to_have_text("1")
    expect(sams_item.locator("button[data-kind=clap] .count")).to_have_text("1", timeout=15000)
    assert wait_for_live_event(sam, "reaction.changed")["payload"]["counts"]
    snap(sam, "space-thread-participant-sees-reaction")

    for page in (sam, lucia):
        assert page.evaluate("window.stillTheSamePage") is True
    assert sam.console_errors == []
    assert lucia.console_errors == []


def test_message_written_offline_is_sent_once_when_back_online(
    asgi_live_server: Any, new_page: Any, participant: User, groupmate: User, thread: Thread
) -> None:
    base = asgi_live_server.url
    sam = new_page(viewport=PHONE)
    sign_in(sam, base, participant.email)
    sam.goto(f"{base}/threads/{thread.pk}/")
    sam.evaluate("window.stillTheSamePage = true")

    sam.context.set_offline(True)
    sam.get_by_label("Your message").fill("Written on the bus")
    sam.get_by_role("button", name="Post").click()
    expect(sam.locator("#live-status")).to_contain_text("You are offline")
    assert "Written on the bus" in sam.evaluate("localStorage.getItem('commonroom.outbox')")
    assert not Message.objects.exists()
    snap(sam, "space-thread-offline-queued")

    sam.context.set_offline(False)
    expect(sam.locator("#live-status")).to_contain_text("Your saved message was sent.")
    expect(sam.locator(".message-item", has_text="Written on the bus")).to_be_visible(timeout=15000)
    assert sam.evaluate("localStorage.getItem('commonroom.outbox')") == "[]"
    assert Message.objects.filter(body="Written on the bus").count() == 1
    assert sam.evaluate("window.stillTheSamePage") is True

    # The answer to a send can be lost after the server stored the post: the
    # outbox then still holds it and sends it again. It is stored once.
    stored = Message.objects.get(body="Written on the bus")
    retry = [
        {
            "url": f"/threads/{thread.pk}/messages/",
            "clientId": str(stored.client_id),
            "fields": [["client_id", str(stored.client_id)], ["body", "Written on the bus"]],
        }
    ]
    sam.evaluate(f"localStorage.setItem('commonroom.outbox', '{json.dumps(retry)}')")
    sam.reload()
    expect(sam.locator("#live-status")).to_contain_text("Your saved message was sent.")
    assert sam.evaluate("localStorage.getItem('commonroom.outbox')") == "[]"
    expect(sam.locator(".message-item", has_text="Written on the bus")).to_have_count(1)
    assert Message.objects.filter(body="Written on the bus").count() == 1
    snap(sam, "space-thread-offline-sent")
    assert sam.console_errors == []
