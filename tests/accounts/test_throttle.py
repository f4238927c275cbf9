"""Sign-in throttling across addresses, and the client's address behind
reverse proxies (COMMONROOM_PROXY_COUNT)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.accounts.throttle import account_digest
from commonroom.core.http import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def login(email: str, password: str, *, ip: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/accounts/login/", {"login": email, "password": password}, **extra)


def test_failures_spread_over_addresses_lock_the_account_everywhere(
    participant: User, settings: Any
) -> None:
    settings.LOCKOUT_ACCOUNT_FAILURES = 6
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        for _ in range(2):  # under the per-address limit at each
            login(participant.email, "wrong", ip=address)
    locked = login(participant.email, PASSWORD, ip="203.0.113.77")
    assert locked.status_code == 429


def test_the_account_cap_cools_off(participant: User, settings: Any) -> None:
    settings.LOCKOUT_ACCOUNT_FAILURES = 4
    for address in ("198.51.100.1", "198.51.100.2"):
        for _ in range(2):
            login(participant.email, "wrong", ip=address)
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    with time_machine.travel(later):
        assert login(participant.email, PASSWORD, ip="203.0.113.77").status_code == 302


def test_failures_under_the_cap_leave_other_addresses_alone(
    participant: User, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(participant.email, "wrong", ip="198.51.100.4")
    assert login(participant.email, PASSWORD, ip="203.0.113.78").status_code == 302


def test_behind_a_proxy_the_forwarded_client_is_locked_not_the_proxy(
    participant: User, settings: Any
) -> None:
    settings.PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(participant.email, "wrong", ip=PROXY, forwarded="198.51.100.20")
    locked = login(participant.email, PASSWORD, ip=PROXY, forwarded="198.51.100.20")
    assert locked.status_code == 429
    # Everyone else comes through the same proxy and still signs in.
    elsewhere = login(participant.email, PASSWORD, ip=PROXY, forwarded="203.0.113.21")
    assert elsewhere.status_code == 302


def test_a_forged_forwarded_entry_does_not_escape_the_lock(
    participant: User, settings: Any
) -> None:
    settings.PROXY_COUNT = 1
    # The client writes its own X-Forwarded-For; our proxy appends the real address.
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(participant.email, "wrong", ip=PROXY, forwarded=f"192.0.2.{n}, 198.51.100.30")
    again = login(participant.email, PASSWORD, ip=PROXY, forwarded="192.0.2.99, 198.51.100.30")
    assert again.status_code == 429


def test_without_proxies_a_forwarded_header_is_ignored(participant: User, settings: Any) -> None:
    settings.PROXY_COUNT = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(participant.email, "wrong", ip="198.51.100.40", forwarded=f"192.0.2.{n}")
    again = login(participant.email, PASSWORD, ip="198.51.100.40", forwarded="192.0.2.99")
    assert again.status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "192.0.2.1", PROXY),
        (1, "192.0.2.1, 198.51.100.5", "198.51.100.5"),
        (2, "192.0.2.1, 198.51.100.5, 10.0.0.1", "198.51.100.5"),
        (2, "198.51.100.5", PROXY),  # shorter than the proxy chain: not through it
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_counts_proxies_from_the_right(
    settings: Any, count: int, forwarded: str, expected: str
) -> None:
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_the_audit_log_records_the_forwarded_client_behind_a_proxy(
    participant: User, settings: Any
) -> None:
    from commonroom.core.models import AuditEntry

    settings.PROXY_COUNT = 1
    response = Client().post(
        "/api/v1/auth/token",
        data=json.dumps({"email": participant.email, "password": PASSWORD}),
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.9, 198.51.100.60",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="api_token.issue")
    assert entry.ip == "198.51.100.60"


def test_failed_sign_ins_log_no_email(participant: User, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="axes"):
        for _ in range(2):
            login(participant.email, "wrong", ip="198.51.100.9")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("axes"))
    assert "198.51.100.9" in logged  # the lines are there
    assert participant.email not in logged
    assert account_digest(participant.email) in logged
