"""Oversized bodies answer 413 and text with a NUL answers 400, naming the
problem, before anything is written."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.spaces.models import Message, Thread
from tests.spaces.conftest import group_space, thread

__all__ = ["group_space", "thread"]  # fixtures

pytestmark = pytest.mark.django_db

THREE_MB = 3 * 1024 * 1024


def test_an_oversized_json_body_answers_413_in_the_api_error_shape(
    api_as: Any, participant: User, thread: Thread
) -> None:
    body = {"body": "x" * THREE_MB, "client_id": str(uuid.uuid4())}
    response = api_as(participant).post(f"/threads/{thread.pk}/messages", body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert response.json()["error"]["field"] == "body"
    assert "at most 2 MB" in response.json()["error"]["message"]
    assert not Message.objects.exists()


def test_an_oversized_form_answers_a_413_page(participant_client: Client, thread: Thread) -> None:
    response = participant_client.post(
        f"/threads/{thread.pk}/messages/",
        {"body": "x" * THREE_MB, "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Message.objects.exists()


def test_a_nul_in_a_json_field_answers_400_naming_the_field(
    api_as: Any, participant: User, thread: Thread
) -> None:
    body = {"body": "hello\u0000there", "client_id": str(uuid.uuid4())}
    response = api_as(participant).post(f"/threads/{thread.pk}/messages", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_text"
    assert response.json()["error"]["field"] == "body"
    assert not Message.objects.exists()


def test_a_lone_surrogate_in_json_answers_400(participant: User) -> None:
    raw = '{"email": "a@example.org", "password": "x\\ud800y"}'
    response = Client().post("/api/v1/auth/token", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "password"


def test_a_nul_in_a_form_field_answers_400_naming_the_field(
    participant_client: Client, thread: Thread
) -> None:
    response = participant_client.post(
        f"/threads/{thread.pk}/messages/", {"body": "a\x00b", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert "body contains a NUL" in response.content.decode()
    assert not Message.objects.exists()


def test_a_nul_in_a_search_query_answers_400(participant_client: Client) -> None:
    response = participant_client.get("/search/", {"q": "plan\x00"})
    assert response.status_code == 400
    assert "q contains a NUL" in response.content.decode()


def test_a_body_just_under_the_limit_is_still_read(participant: User) -> None:
    padding = "x" * (2 * 1024 * 1024)
    raw = json.dumps({"email": participant.email, "password": "wrong", "label": padding})
    response = Client().post("/api/v1/auth/token", data=raw, content_type="application/json")
    # Read and judged on its fields: the label is too long, nothing more.
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "label"


def test_the_served_app_answers_413_to_an_oversized_json_body(served: tuple[str, Any]) -> None:
    base, _log = served
    body = json.dumps({"email": "a@example.org", "password": "x" * THREE_MB}).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{base}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310
    assert answer.value.code == 413
    assert json.loads(answer.value.read())["error"]["code"] == "too_large"


def test_the_served_app_answers_413_to_an_oversized_chunked_body(
    served: tuple[str, Any],
) -> None:
    import http.client

    base, _log = served
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps({"email": "a@example.org", "password": "x" * THREE_MB}).encode()
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(
            "POST",
            "/api/v1/auth/token",
            body=chunks,
            headers={"Content-Type": "application/json"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["error"]["code"] == "too_large"
    finally:
        connection.close()


def test_the_served_app_refuses_a_huge_declared_body_without_waiting_for_it(
    served: tuple[str, Any],
) -> None:
    base, _log = served
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as raw:
        # Claims a gigabyte, sends a few bytes: the answer must come from the
        # headers alone, or this read times out waiting for the rest.
        raw.sendall(
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: localhost\r\n"
            b'Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"email"'
        )
        answer = b""
        while b'"too_large"' not in answer and (part := raw.recv(65536)):
            answer += part
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"too_large"' in answer


def test_a_spanish_speaker_is_told_in_spanish(
    participant: User, participant_client: Client, thread: Thread
) -> None:
    participant.preferred_language = "es"
    participant.save()
    response = participant_client.post(
        f"/threads/{thread.pk}/messages/",
        {"body": "x" * THREE_MB, "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 413
    assert "demasiado grande" in response.content.decode()


def _run_body_limit(headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[bool, int]:
    """Feeds ``chunks`` through BodyLimitApp to an app that reads the body as
    Django does; returns whether the scope was marked and how much it read."""
    import asyncio

    from commonroom.core.limits import SCOPE_FLAG, BodyLimitApp

    seen: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        read = 0
        while True:
            message = await receive()
            read += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
        seen["flag"], seen["read"] = bool(scope.get(SCOPE_FLAG)), read

    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        pass

    scope = {"type": "http", "method": "POST", "path": "/api/v1/x", "headers": headers}
    asyncio.run(BodyLimitApp(app)(scope, receive, send))
    return seen["flag"], seen["read"]


def test_a_chunked_body_is_cut_off_at_the_limit(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    flagged, read = _run_body_limit([(b"content-type", b"application/json")], [b"x" * 400] * 10)
    assert flagged
    assert read <= 1000


def test_a_body_declaring_too_much_is_not_read(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    headers = [(b"content-type", b"application/json"), (b"content-length", b"4000")]
    flagged, read = _run_body_limit(headers, [b"x" * 400] * 10)
    assert flagged
    assert read == 0


def test_a_body_within_the_limit_passes_whole(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    flagged, read = _run_body_limit([(b"content-type", b"application/json")], [b"x" * 300] * 3)
    assert not flagged
    assert read == 900
