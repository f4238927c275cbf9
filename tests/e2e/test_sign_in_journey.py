"""A participant signs in, switches to Spanish and sees their home page in Spanish."""

from __future__ import annotations

from typing import Any

import pytest

from commonroom.accounts.models import User
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_participant_signs_in_and_reads_home_in_spanish(
    asgi_live_server: Any, new_page: Any, participant: User
) -> None:
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{asgi_live_server.url}/")
    assert "/accounts/login/" in page.url

    page.get_by_label("Email").fill(participant.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{asgi_live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Sam"
    assert page.get_by_role("link", name="Get help now").is_visible()
    screenshot(page, "home-en-phone")

    page.get_by_label("Language").select_option("es")
    page.wait_for_function("document.documentElement.lang === 'es'")
    assert page.get_by_role("heading", level=1).inner_text() == "Te damos la bienvenida, Sam"
    assert page.get_by_role("link", name="Pide ayuda ahora").is_visible()
    screenshot(page, "home-es-phone")

    # The choice belongs to the person, not the browser: it follows them.
    participant.refresh_from_db()
    assert participant.preferred_language == "es"
    # No CSP violations or script errors on the way.
    assert page.console_errors == []


def test_page_fits_a_phone_without_sideways_scrolling(
    asgi_live_server: Any, new_page: Any, participant: User
) -> None:
    page = new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{asgi_live_server.url}/help/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert page.get_by_role("link", name="Call 988").is_visible()


def test_keyboard_user_reaches_main_content_first(asgi_live_server: Any, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{asgi_live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
