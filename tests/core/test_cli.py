"""The ``commonroom`` command accepts the hyphenated names the README uses."""

from __future__ import annotations

import pytest

from commonroom import cli


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("send-digests", "send_digests"),
        ("check-buddy-rhythm", "check_buddy_rhythm"),
        ("send_gathering_reminders", "send_gathering_reminders"),
        ("seed-demo", "seed_demo"),
        ("--version", "--version"),
    ],
)
def test_hyphenated_command_names_reach_django(
    monkeypatch: pytest.MonkeyPatch, typed: str, command: str
) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda args: seen.append(args)
    )
    cli.main(["commonroom", typed, "--base-url", "https://example.org"])
    assert seen == [["commonroom", command, "--base-url", "https://example.org"]]
