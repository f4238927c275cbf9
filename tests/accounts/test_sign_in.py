"""Signing in through the browser: generic errors, per-(email, address)
lockout, TOTP for staff, idle log-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from commonroom.accounts.models import User
from tests.factories import PASSWORD, TOTP_SECRET
from tests.totp import current_code

pytestmark = pytest.mark.django_db

GENERIC = "The email address and/or password you specified are not correct."


def login(client: Client, email: str, password: str, ip: str = "203.0.113.5") -> object:
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_participant_signs_in_with_email_and_password(participant: User) -> None:
    client = Client()
    response = login(client, participant.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_gives_no_hint_which_part_was_wrong(participant: User) -> None:
    wrong_password = login(Client(), participant.email, "not-the-password").content.decode()
    unknown_email = login(Client(), "nobody@example.org", "not-the-password").content.decode()
    assert GENERIC in wrong_password
    assert GENERIC in unknown_email


def test_repeated_failures_lock_that_email_from_that_address_only(
    participant: User, settings: object
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        login(Client(), participant.email, "wrong", ip="198.51.100.7")
    locked = login(Client(), participant.email, PASSWORD, ip="198.51.100.7")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # The real participant, elsewhere, still signs in: a stranger cannot lock them out.
    elsewhere = login(Client(), participant.email, PASSWORD, ip="203.0.113.99")
    assert elsewhere.status_code == 302


def test_lockout_looks_the_same_for_an_email_without_an_account(settings: object) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        login(Client(), "nobody@example.org", "wrong", ip="198.51.100.8")
    assert login(Client(), "nobody@example.org", "wrong", ip="198.51.100.8").status_code == 429


def test_lockout_cools_off(participant: User, settings: object) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        login(Client(), participant.email, "wrong", ip="198.51.100.9")
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)  # type: ignore[attr-defined]
    with time_machine.travel(later):
        assert login(Client(), participant.email, PASSWORD, ip="198.51.100.9").status_code == 302


def test_staff_must_pass_totp_after_password(facilitator: User) -> None:
    client = Client()
    response = login(client, facilitator.email, PASSWORD)
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    # Not signed in yet: home still asks for sign-in.
    assert client.get("/")["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_totp_codes_count_toward_the_lockout(facilitator: User, settings: object) -> None:
    client = Client()
    login(client, facilitator.email, PASSWORD, ip="198.51.100.10")
    for _ in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        client.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR="198.51.100.10")
    response = client.post(
        "/accounts/2fa/authenticate/",
        {"code": current_code(TOTP_SECRET)},
        REMOTE_ADDR="198.51.100.10",
    )
    assert response.status_code == 200
    assert "Too many failed attempts. Wait 15 minutes" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/login/")
    # The same person from another address is not locked.
    other = Client()
    login(other, facilitator.email, PASSWORD, ip="198.51.100.11")
    ok = other.post(
        "/accounts/2fa/authenticate/",
        {"code": current_code(TOTP_SECRET)},
        REMOTE_ADDR="198.51.100.11",
    )
    assert ok.status_code == 302


def test_staff_without_mfa_is_sent_to_set_it_up_before_anything_else(
    program: object, group: object
) -> None:
    from commonroom.care.models import Role
    from tests.factories import UserFactory, add_role

    staff = UserFactory(email="newstaff@example.org")
    add_role(staff, program, Role.FACILITATOR)  # type: ignore[arg-type]
    client = Client()
    assert login(client, staff.email, PASSWORD).status_code == 302
    for path in ("/", "/profile/", "/people/1/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/help/").status_code == 200
    # Setting up MFA asks for the password again, then shows the QR code.
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()


def test_participant_is_signed_out_after_an_hour_idle(participant: User) -> None:
    client = Client()
    login(client, participant.email, PASSWORD)
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=59 + 61)):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"
        assert client.get("/")["Location"].startswith("/accounts/login/")


def test_staff_are_signed_out_after_fifteen_minutes_idle(facilitator_client: Client) -> None:
    assert facilitator_client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert facilitator_client.get("/")["Location"] == "/accounts/login/"


def test_idle_limits_are_configurable(participant_client: Client, settings: object) -> None:
    settings.IDLE_MINUTES_PARTICIPANT = 5  # type: ignore[attr-defined]
    assert participant_client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert participant_client.get("/")["Location"] == "/accounts/login/"


def test_password_reset_does_not_reveal_whether_an_email_is_enrolled(participant: User) -> None:
    known = Client().post("/accounts/password/reset/", {"email": participant.email})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
