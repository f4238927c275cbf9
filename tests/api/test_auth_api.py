"""Token auth for the JSON API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from commonroom.accounts.models import ApiToken, User
from tests.conftest import signed_in_client
from tests.factories import PASSWORD, TOTP_SECRET, enable_totp
from tests.totp import current_code

pytestmark = pytest.mark.django_db


def token_request(body: object, *, raw: str | None = None, ip: str = "203.0.113.20") -> object:
    import json

    return Client().post(
        "/api/v1/auth/token",
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_participant_gets_a_token_and_reads_their_profile(participant: User) -> None:
    response = token_request({"email": participant.email, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = Client().get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == participant.email
    assert body["display_name"] == "Sam"
    assert body["roles"] == [
        {
            "program_id": body["roles"][0]["program_id"],
            "program": "Evening IOP",
            "role": "participant",
        }
    ]
    assert body["enrollments"][0]["phase"] == "active"


def test_token_is_stored_only_as_a_hash(participant: User) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    stored = ApiToken.objects.get(user=participant)
    assert token not in stored.token_hash
    assert stored.token_hash == ApiToken.hash(token)


def test_staff_need_their_totp_code(facilitator: User) -> None:
    missing = token_request({"email": facilitator.email, "password": PASSWORD})
    assert missing.status_code == 401
    assert missing.json()["error"] == {
        "code": "otp_required",
        "message": "Enter the code from your authenticator app.",
        "field": "otp",
    }
    wrong = token_request({"email": facilitator.email, "password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_otp"
    ok = token_request(
        {"email": facilitator.email, "password": PASSWORD, "otp": current_code(TOTP_SECRET)}
    )
    assert ok.status_code == 200


def test_staff_without_mfa_cannot_get_a_token(program: object) -> None:
    from commonroom.care.models import Role
    from tests.factories import UserFactory, add_role

    staff = UserFactory(email="nomfa@example.org")
    add_role(staff, program, Role.PROGRAM_ADMIN)  # type: ignore[arg-type]
    response = token_request({"email": staff.email, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "mfa_setup_required"


def test_wrong_password_and_unknown_email_answer_alike(participant: User) -> None:
    wrong = token_request({"email": participant.email, "password": "nope"})
    unknown = token_request({"email": "nobody@example.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_repeated_api_failures_lock_that_email_from_that_address(
    participant: User, settings: object
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):  # type: ignore[attr-defined]
        token_request({"email": participant.email, "password": "nope"}, ip="198.51.100.30")
    locked = token_request({"email": participant.email, "password": PASSWORD}, ip="198.51.100.30")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    elsewhere = token_request(
        {"email": participant.email, "password": PASSWORD}, ip="198.51.100.31"
    )
    assert elsewhere.status_code == 200


def test_malformed_json_is_a_400_naming_the_body() -> None:
    response = token_request(None, raw='{"email": "a@example.org",')
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert response.json()["error"]["field"] == "body"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "x"}, "email"),
        ({"email": "a@example.org"}, "password"),
        ({"email": "not-an-email", "password": "x"}, "email"),
        ({"email": "a@example.org", "password": "x", "otp": "1" * 40}, "otp"),
        ({"email": ["a@example.org"], "password": "x"}, "email"),
    ],
)
def test_invalid_fields_are_a_4xx_naming_the_field(body: dict[str, object], field: str) -> None:
    response = token_request(body)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["field"] == field


def test_json_that_is_not_an_object_is_a_4xx() -> None:
    response = token_request(None, raw="[1, 2, 3]")
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_revoked_token_stops_working(participant: User) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    assert Client().delete("/api/v1/auth/token", headers=bearer(token)).status_code == 204
    response = Client().get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_token_expires(participant: User, settings: object) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    hours = settings.API_TOKEN_HOURS  # type: ignore[attr-defined]
    for minutes in range(0, hours * 60, 50):
        with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
            assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=hours, minutes=1)):
        assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_idle_token_expires_like_a_session(participant: User) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_deactivated_person_loses_api_access(participant: User) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    User.objects.filter(pk=participant.pk).update(is_active=False)
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_garbage_bearer_is_refused() -> None:
    for value in ("Bearer nonsense", "Bearer cr_" + "x" * 500, "Basic abc", ""):
        response = Client().get("/api/v1/me", headers={"Authorization": value})
        assert response.status_code == 401


def test_openapi_document_is_published() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/auth/token" in paths
    assert "/api/v1/me" in paths


def test_profile_update_validates_time_zone(api_as: object, participant: User) -> None:
    api = api_as(participant)  # type: ignore[operator]
    response = api.patch("/me", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "time_zone"
    participant.refresh_from_db()
    assert participant.time_zone == "America/Chicago"
    ok = api.patch("/me", {"time_zone": "America/Denver", "pronouns": "he/they"})
    assert ok.status_code == 200
    assert ok.json()["time_zone"] == "America/Denver"


def test_a_password_change_ends_the_persons_api_tokens(participant: User) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    browser = signed_in_client(participant)
    changed = browser.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-password",
            "password2": "a-new-long-password",
        },
    )
    assert changed.status_code == 302
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_password_set_by_an_operator_ends_the_persons_api_tokens(participant: User) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    participant.set_password("an-operator-chosen-password")
    participant.save()
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_deactivation_ends_the_persons_api_tokens(participant: User) -> None:
    token = token_request({"email": participant.email, "password": PASSWORD}).json()["token"]
    participant.is_active = False
    participant.save()
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_an_mfa_reset_ends_the_staff_members_api_tokens(facilitator: User) -> None:
    from allauth.mfa.models import Authenticator

    token = token_request(
        {"email": facilitator.email, "password": PASSWORD, "otp": current_code(TOTP_SECRET)}
    ).json()["token"]
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    # An operator resets the lost phone; the person sets up the same app again.
    Authenticator.objects.filter(user=facilitator).delete()
    enable_totp(facilitator)
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401
