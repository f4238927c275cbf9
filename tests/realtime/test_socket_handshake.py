"""The websocket handshake: signed in, allowed origin, and MFA for staff."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from commonroom.accounts.models import User
from commonroom.asgi import application
from commonroom.realtime.consumers import CLOSE_MFA_REQUIRED, CLOSE_UNAUTHENTICATED

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie_of(client: Client) -> str:
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def connect(
    cookie: str | None, origin: str = "http://testserver"
) -> tuple[WebsocketCommunicator, Any]:
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, code = await communicator.connect(timeout=10)
    return communicator, (connected, code)


async def test_signed_in_participant_connects_and_is_greeted(participant: User) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    communicator, (connected, _code) = await connect(_cookie_of(client))
    assert connected
    hello = await communicator.receive_json_from(timeout=10)
    assert hello == {"type": "hello", "user": participant.pk}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=10) == {"type": "pong"}
    await communicator.disconnect()


async def test_anonymous_socket_is_closed() -> None:
    _communicator, (connected, code) = await connect(None)
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_socket_from_another_origin_is_refused(participant: User) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    _communicator, (connected, _code) = await connect(
        _cookie_of(client), origin="https://evil.example"
    )
    assert not connected


@pytest.mark.parametrize(
    "origin",
    [
        "http://testserver:8001",  # another service on the same host
        "https://testserver",  # another scheme
        "http://testserver.evil.example",
        "http://testserver/path",
        "null",
        "",
    ],
)
async def test_a_socket_from_the_same_host_with_another_scheme_or_port_is_refused(
    participant: User, origin: str
) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    _communicator, (connected, _code) = await connect(_cookie_of(client), origin=origin)
    assert not connected


async def test_the_default_port_written_out_is_the_same_origin(participant: User) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    communicator, (connected, _code) = await connect(
        _cookie_of(client), origin="http://testserver:80"
    )
    assert connected
    await communicator.disconnect()


async def test_an_https_page_behind_a_tls_proxy_connects(participant: User, settings: Any) -> None:
    from tests.conftest import signed_in_client

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = await sync_to_async(signed_in_client)(participant)
    headers = [
        (b"origin", b"https://testserver"),
        (b"host", b"testserver"),
        (b"x-forwarded-proto", b"https"),
        (b"cookie", _cookie_of(client).encode()),
    ]
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _code = await communicator.connect(timeout=10)
    assert connected
    await communicator.disconnect()


async def test_staff_without_mfa_in_this_session_is_refused(facilitator: User) -> None:
    client = Client()
    await sync_to_async(client.force_login)(facilitator)
    _communicator, (connected, code) = await connect(_cookie_of(client))
    assert not connected
    assert code == CLOSE_MFA_REQUIRED


async def test_staff_who_passed_mfa_connects(facilitator: User) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(facilitator)
    communicator, (connected, _code) = await connect(_cookie_of(client))
    assert connected
    await communicator.disconnect()


async def test_logout_closes_the_open_socket(participant: User) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    communicator, (connected, _code) = await connect(_cookie_of(client))
    assert connected
    await communicator.receive_json_from(timeout=10)
    await sync_to_async(client.post)("/accounts/logout/")
    output = await communicator.receive_output(timeout=10)
    assert output == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def test_completing_the_program_closes_the_open_socket(
    participant: User, admin: User
) -> None:
    from commonroom.care.actions import do_change_phase
    from commonroom.care.models import Enrollment
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    communicator, (connected, _code) = await connect(_cookie_of(client))
    assert connected
    await communicator.receive_json_from(timeout=10)
    enrollment = await Enrollment.objects.aget(user=participant)
    await sync_to_async(do_change_phase)(
        enrollment_id=enrollment.pk, to_phase="completed", reason="Done", changed_by=admin
    )
    output = await communicator.receive_output(timeout=10)
    assert output == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def test_a_deactivated_persons_session_is_refused(participant: User) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    await User.objects.filter(pk=participant.pk).aupdate(is_active=False)
    _communicator, (connected, _code) = await connect(_cookie_of(client))
    assert not connected


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid=not-a-session-we-issued",
        "sessionid=",
        "sessionid=x; sessionid=y",
        "garbage without an equals sign",
        "sessionid=" + "a" * 5000,
    ],
)
async def test_a_cookie_that_names_no_session_is_anonymous(cookie: str) -> None:
    _communicator, (connected, code) = await connect(cookie)
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_a_session_from_before_a_password_change_cannot_connect(participant: User) -> None:
    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)

    def change_password() -> None:
        # Without the signal that ends sessions: the auth hash alone refuses it.
        User.objects.filter(pk=participant.pk).update(password="pbkdf2_sha256$1$x$y")

    await sync_to_async(change_password)()
    _communicator, (connected, code) = await connect(_cookie_of(client))
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_live_frames_never_write_the_session(participant: User) -> None:
    """The socket reads its session once; sending frames saves nothing (the
    idle clock belongs to the pages)."""
    from django.conf import settings
    from django.contrib.sessions.models import Session

    from tests.conftest import signed_in_client

    client = await sync_to_async(signed_in_client)(participant)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    before = await sync_to_async(lambda: Session.objects.values().get(pk=key))()
    communicator, (connected, _code) = await connect(_cookie_of(client))
    assert connected
    await communicator.receive_json_from(timeout=10)
    for _ in range(3):
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from(timeout=10) == {"type": "pong"}
    await communicator.disconnect()
    assert await sync_to_async(lambda: Session.objects.values().get(pk=key))() == before
