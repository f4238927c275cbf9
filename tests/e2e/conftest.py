"""Browser journeys: Playwright driving Debian's Chromium, never a downloaded
browser, against the ASGI app under uvicorn as `commonroom serve` runs it
(real middleware, CSP and websockets), on the test database."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class LiveServer:
    url: str


def _free_loopback_socket() -> socket.socket:
    # Bound here and handed to uvicorn, so the port is never guessed and two
    # xdist workers can never race for the same one.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def _own_channel_prefix() -> None:
    """With Redis, every xdist worker's server publishes to groups named like
    everyone else's (`space.1` exists in each worker's database), so each
    server gets its own prefix and a fresh layer."""
    from channels.layers import channel_layers
    from django.conf import settings

    layer: dict[str, Any] = settings.CHANNEL_LAYERS["default"]
    if "redis" in layer["BACKEND"]:
        layer.setdefault("CONFIG", {})["prefix"] = f"e2e-{uuid.uuid4().hex[:12]}"
        channel_layers.backends.clear()


@pytest.fixture(scope="session")
def _asgi_server(django_db_setup: None) -> Iterator[LiveServer]:
    """uvicorn serving commonroom.asgi:application in a thread of this
    process, with the options `commonroom serve` gives it, so that pages,
    the CSP and the websocket are the ones people get. In-process, so the
    server uses the test database (SQLite file or PostgreSQL) and settings
    the journeys override."""
    import uvicorn

    _own_channel_prefix()
    from commonroom.asgi import application

    sock = _free_loopback_socket()
    config = uvicorn.Config(application, lifespan="off", server_header=False, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="e2e-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start for the browser journeys")
        time.sleep(0.05)
    host, port = sock.getsockname()
    yield LiveServer(url=f"http://{host}:{port}")
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def asgi_live_server(_asgi_server: LiveServer, transactional_db: None) -> LiveServer:
    """The server for one journey; its data is committed (transactional_db)
    because the server reads it from its own threads and connections."""
    return _asgi_server


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.live_frames = []
        # Every console error counts, the websocket's included: the server
        # speaks websockets, so a socket that fails is a failure.
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("websocket", lambda ws: _record_frames(page, ws))
        return page

    yield make
    for context in contexts:
        context.close()


@dataclass(frozen=True, slots=True)
class VideoHost:
    """A stand-in for the video provider's server: HTTPS on its own loopback
    port, answering every GET with a small page and remembering the paths."""

    domain: str  # "127.0.0.1:<port>", as JitsiConfig takes it
    requests: list[str]


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "video-host.pem", directory / "video-host.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def video_host(tmp_path: Path) -> Iterator[VideoHost]:
    """Providers' links are https-only (video/base.py), so the stand-in
    speaks TLS with a throwaway certificate; pages that go there are opened
    with ignore_https_errors. Files under tmp_path: nothing shared between
    xdist workers."""
    import ssl
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b"<!doctype html><title>Video room</title><h1>Stand-in video room</h1>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    cert, key = _self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-video-host", daemon=True)
    thread.start()
    yield VideoHost(domain=f"127.0.0.1:{httpd.server_address[1]}", requests=requests)
    httpd.shutdown()
    httpd.server_close()


def _record_frames(page: Any, ws: Any) -> None:
    if ws.url.endswith("/ws/"):
        ws.on("framereceived", lambda payload: page.live_frames.append(payload))


def wait_for_live_event(page: Any, kind: str, *, timeout: float = 15) -> dict[str, Any]:
    """The first event of `kind` the page's websocket received (waiting for
    it while the page keeps working): proof the socket connected and
    delivered, not merely that the page polled."""
    import json

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.live_frames:
            data = json.loads(frame) if isinstance(frame, str) else None
            # Log events carry their kind; hints (realtime/notify.py) are typed by it.
            if isinstance(data, dict) and kind in (data.get("kind"), data.get("type")):
                return data
        page.wait_for_timeout(100)
    raise AssertionError(f"no live {kind!r} event arrived over the websocket")


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
