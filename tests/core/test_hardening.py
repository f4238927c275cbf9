"""Web hardening: CSP with nonces, no-store, cookie and HSTS settings."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from commonroom.accounts.models import User

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _csp(response: object) -> dict[str, str]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def test_pages_carry_a_strict_content_security_policy(participant_client: Client) -> None:
    response = participant_client.get("/")
    csp = _csp(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9+/=_-]{16,}'", csp["script-src"])
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"


def test_every_script_tag_carries_the_response_nonce(participant_client: Client) -> None:
    response = participant_client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
    tags = SCRIPT.findall(response.content.decode())
    assert tags, "the page should load htmx and our module"
    for attributes in tags:
        assert f'nonce="{nonce}"' in attributes


def test_nonce_differs_between_responses(anonymous_client: Client) -> None:
    first = anonymous_client.get("/accounts/login/")["Content-Security-Policy"]
    second = anonymous_client.get("/accounts/login/")["Content-Security-Policy"]
    assert first != second


def test_no_inline_event_handlers_or_styles_in_pages(participant_client: Client) -> None:
    html = participant_client.get("/").content.decode()
    assert not re.search(r"\son[a-z]+=", html)
    assert " style=" not in html


def test_authenticated_responses_are_not_stored(participant_client: Client) -> None:
    response = participant_client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_error_responses_are_not_stored(
    participant_client: Client, anonymous_client: Client
) -> None:
    assert "no-store" in participant_client.get("/people/999999/")["Cache-Control"]
    assert "no-store" in anonymous_client.get("/no-such-page/")["Cache-Control"]
    api_error = anonymous_client.get("/api/v1/me")
    assert api_error.status_code == 401
    assert "no-store" in api_error["Cache-Control"]


def test_api_responses_are_not_stored(api_as: object, participant: User) -> None:
    response = api_as(participant).get("/me")  # type: ignore[operator]
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_cookies_are_http_only_and_same_site(anonymous_client: Client, participant: User) -> None:
    response = anonymous_client.post(
        "/accounts/login/", {"login": participant.email, "password": "a-long-test-password"}
    )
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_frames_and_sniffing_are_refused(anonymous_client: Client) -> None:
    response = anonymous_client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
