"""Browser journeys: Playwright driving Debian's Chromium, never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("COMMONROOM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("COMMONROOM_E2E_ARTIFACTS", "test-results"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One browser per test module. Playwright's sync API keeps an event loop
    running in this thread while it is open, so it is closed before the
    asyncio tests of other modules run."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("COMMONROOM_REQUIRE_E2E") == "1":
            pytest.fail(
                f"Chromium not found at {CHROMIUM}; CI must install it (apt-get install chromium)"
            )
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # With Playwright's loop running, Django would refuse the ORM calls our
    # fixtures make in this thread; they are ordinary synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright: Any) -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        # pytest-django's live server speaks WSGI only, so the page's websocket
        # cannot connect there and the page falls back to polling, as designed.
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and "WebSocket" not in m.text
                and page.console_errors.append(m.text)
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, base: str, email: str, *, totp: bool = False) -> None:
    """Through the real sign-in form (English before sign-in); staff add
    their TOTP code."""
    from tests.factories import PASSWORD, TOTP_SECRET
    from tests.totp import current_code

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        page.get_by_label("Code").fill(current_code(TOTP_SECRET))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}/")
