"""The server's logs keep routes and statuses, never secrets or search terms."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from commonroom.core.accesslog import redact_path

SEARCH_TERM = "relapse-plan-7f3a"
CALENDAR_SECRET = "cal-secret-9b1c4d"
INVITE_TOKEN = "invite-token-2e8f6a"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/search/?q=relapse", "/search/?q=[redacted]"),
        ("/api/v1/search?q=a&space_id=3", "/api/v1/search?q=[redacted]&space_id=[redacted]"),
        ("/calendar/abc123.ics", "/calendar/[redacted].ics"),
        ("/gatherings/calendar/abc123.ics", "/gatherings/calendar/[redacted].ics"),
        ("/invite/tok_123/", "/invite/[redacted]/"),
        ("/accounts/confirm-email/Mg:1v:abc/", "/accounts/confirm-email/[redacted]/"),
        ("/accounts/password/reset/key/1a-set-pw/", "/accounts/password/reset/key/[redacted]/"),
        ("/accounts/password/reset/key/done/", "/accounts/password/reset/key/done/"),
        ("/threads/12/", "/threads/12/"),
    ],
)
def test_paths_are_logged_without_secrets(path: str, logged: str) -> None:
    assert redact_path(path) == logged


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_served_requests_leave_no_secret_in_the_log(served: tuple[str, Path]) -> None:
    base, log = served
    _get(f"{base}/search/?q={SEARCH_TERM}")
    _get(f"{base}/calendar/{CALENDAR_SECRET}.ics")
    _get(f"{base}/invite/{INVITE_TOKEN}/")
    _get(f"{base}/healthz")  # the last line, so the others have been written
    for _attempt in range(50):
        if "/healthz" in log.read_text():
            break
        time.sleep(0.1)
    text = log.read_text()
    assert '"GET /search/?q=[redacted] HTTP/1.1"' in text
    assert '"GET /calendar/[redacted].ics HTTP/1.1" 404' in text
    assert '"GET /invite/[redacted]/ HTTP/1.1"' in text
    for secret in (SEARCH_TERM, CALENDAR_SECRET, INVITE_TOKEN):
        assert secret not in text
