"""The server's logs keep routes and statuses, never secrets or search terms."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def served(transactional_db: None, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``commonroom serve`` itself, on the test database, its output in a file."""
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "DATABASE_URL": _database_url(), "COMMONROOM_DATA_DIR": str(tmp_path)}
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
            [sys.executable, "-m", "commonroom.cli", "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", log
    finally:
        server.terminate()
        server.wait(timeout=30)


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
