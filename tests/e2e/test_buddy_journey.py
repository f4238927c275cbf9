"""Accountability buddies, end to end: a participant asks for a buddy, the
facilitator (signed in with TOTP) previews and confirms pairing for the
group, both buddies open their pair space, and the first check-in shared
with "My buddy" reaches the other buddy's open page without a reload. The
live server is WSGI only, so polling carries it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.peers.buddies import actions
from commonroom.peers.buddies.models import BuddyPair
from tests.e2e.conftest import sign_in, wait_for_live_event
from tests.e2e.test_space_journey import PHONE, snap

pytestmark = pytest.mark.django_db(transaction=True)


def open_pair_thread(page: Any) -> None:
    page.get_by_role("link", name="Open our buddy space").click()
    expect(page.get_by_text("Your facilitators can read this space too")).to_be_visible()
    page.get_by_role("link", name="Our check-ins").click()
    expect(page.get_by_role("heading", name="Our check-ins")).to_be_visible()


def test_a_buddy_pair_is_formed_and_the_first_check_in_arrives_live(
    asgi_live_server: Any,
    new_page: Any,
    program: Program,
    group: TherapyGroup,
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    base = asgi_live_server.url
    # Lucia said earlier that she is open to a buddy.
    actions.do_set_opt_in(user=groupmate, program=program, consenting=True)

    sam = new_page(viewport=PHONE)
    sign_in(sam, base, participant.email)
    sam.get_by_role("link", name="Buddy", exact=True).click()
    sam.get_by_role("button", name="I'd like a buddy").click()
    expect(sam.get_by_text("Your facilitator will pair you with a buddy soon.")).to_be_visible()
    expect(sam.get_by_role("heading", name="Waiting for a buddy")).to_be_visible()
    snap(sam, "buddy-requested")

    marcus = new_page()
    sign_in(marcus, base, facilitator.email, totp=True)
    marcus.goto(f"{base}/buddies/staff/")
    expect(marcus.locator(".waiting-requests")).to_contain_text("Sam")
    marcus.get_by_role("link", name=f"Cohort of {group.name}").click()
    proposal = marcus.locator(".proposed")
    expect(proposal).to_have_count(1)
    expect(proposal).to_contain_text("Sam")
    expect(proposal).to_contain_text("Lucia")
    snap(marcus, "buddy-pairing-preview")
    marcus.get_by_role("button", name="Confirm these pairs").click()
    expect(marcus.get_by_text("Pairing done. 1 pair formed.")).to_be_visible()
    expect(marcus.locator(".pair-row")).to_have_count(1)
    snap(marcus, "buddy-pair-health")
    pair = BuddyPair.objects.get()

    lucia = new_page(viewport=PHONE)
    sign_in(lucia, base, groupmate.email)
    lucia.goto(f"{base}/buddy/")
    expect(lucia.locator(".buddy-names")).to_contain_text("Sam")
    expect(lucia.get_by_role("heading", name="Why you were matched")).to_be_visible()
    snap(lucia, "buddy-my-buddy")
    open_pair_thread(lucia)
    assert lucia.url.startswith(f"{base}/threads/")
    lucia.evaluate("window.stillTheSamePage = true")

    sam.goto(f"{base}/buddy/")
    expect(sam.locator(".buddy-names")).to_contain_text("Lucia")
    open_pair_thread(sam)
    snap(sam, "buddy-space")
    sam.goto(f"{base}/checkins/")
    sam.get_by_label("Mood").fill("6")
    sam.get_by_label("Craving").fill("2")
    sam.get_by_label("Hours of sleep last night").fill("7")
    sam.get_by_label("One thing I'm grateful for").fill("a call with my buddy")
    sam.get_by_label("My buddy").check()
    sam.get_by_role("button", name="Check in").click()
    expect(sam.get_by_text("Thank you for checking in.")).to_be_visible()

    arrived = lucia.locator(".message-item", has_text="a call with my buddy")
    expect(arrived).to_be_visible(timeout=15000)
    assert wait_for_live_event(lucia, "message.new")["payload"]["checkin"]
    assert lucia.evaluate("window.stillTheSamePage") is True
    snap(lucia, "buddy-first-checkin-live")
    assert pair.space.messages.count() == 1
    assert sam.console_errors == []
    assert lucia.console_errors == []
    assert marcus.console_errors == []
