"""Sign-up by invitation only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, Invitation, Phase, Program, ProgramRole, Role

pytestmark = pytest.mark.django_db


def invite(
    admin_client: Client, program: Program, email: str = "newcomer@example.org", **extra: str
) -> str:
    from django.test import TestCase

    data = {"email": email, "role": "participant", "language": "en", **extra}
    # The invitation email is a job enqueued when the change commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = admin_client.post(f"/programs/{program.pk}/invitations/", data)
    assert response.status_code == 302, response.content.decode()
    message = mail.outbox[-1]
    link = next(line for line in message.body.splitlines() if "/invite/" in line)
    return link[link.index("/invite/") :]


def sign_up(client: Client, path: str, email: str = "newcomer@example.org") -> object:
    landing = client.get(path)
    assert landing.status_code == 302
    assert landing["Location"] == "/accounts/signup/"
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "a-strong-passphrase-42",
            "password2": "a-strong-passphrase-42",
            "display_name": "Newcomer",
            "pronouns": "she/her",
            "preferred_language": "es",
            "time_zone": "America/New_York",
        },
    )


def test_invited_person_signs_up_and_joins_the_program(
    admin_client: Client, program: Program
) -> None:
    path = invite(admin_client, program)
    client = Client()
    response = sign_up(client, path)
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.org")
    assert user.display_name == "Newcomer"
    assert user.preferred_language == "es"
    assert ProgramRole.objects.filter(user=user, program=program, role=Role.PARTICIPANT).exists()
    assert Enrollment.objects.get(user=user, program=program).phase == Phase.INTAKE
    assert Invitation.objects.get(email="newcomer@example.org").accepted_by == user
    assert client.get("/").status_code == 200


def test_invitation_email_names_neither_program_nor_care(
    admin_client: Client, program: Program
) -> None:
    invite(admin_client, program)
    message = mail.outbox[-1]
    assert program.name not in message.subject + message.body
    assert "IOP" not in message.subject + message.body


def test_sign_up_without_an_invitation_is_closed(anonymous_client: Client) -> None:
    response = anonymous_client.get("/accounts/signup/")
    assert "Sign-up is by invitation" in response.content.decode()
    posted = anonymous_client.post(
        "/accounts/signup/",
        {
            "email": "x@example.org",
            "password1": "a-strong-passphrase-42",
            "password2": "a-strong-passphrase-42",
        },
    )
    assert not User.objects.filter(email="x@example.org").exists()
    assert "Sign-up is by invitation" in posted.content.decode()


def test_expired_invitation_is_refused_with_a_clear_message(
    admin_client: Client, program: Program
) -> None:
    path = invite(admin_client, program)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = Client().get(path)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()


def test_reused_invitation_is_refused(admin_client: Client, program: Program) -> None:
    path = invite(admin_client, program)
    sign_up(Client(), path)
    response = Client().get(path)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_invitation_held_in_two_tabs_is_used_once(admin_client: Client, program: Program) -> None:
    path = invite(admin_client, program)
    first, second = Client(), Client()
    first.get(path)
    second.get(path)
    sign_up(first, path)
    # The second tab's form is now stale: nothing more is created.
    response = second.post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.org",
            "password1": "another-strong-pass-9",
            "password2": "another-strong-pass-9",
            "display_name": "Twin",
            "preferred_language": "en",
            "time_zone": "America/Chicago",
        },
    )
    assert response.status_code in {200, 302}
    assert User.objects.filter(email="newcomer@example.org").count() == 1
    assert User.objects.get(email="newcomer@example.org").display_name == "Newcomer"


def test_sign_up_must_use_the_invited_address(admin_client: Client, program: Program) -> None:
    path = invite(admin_client, program)
    response = sign_up(Client(), path, email="someone-else@example.org")
    assert response.status_code == 200
    assert "Use the email address your invitation was sent to." in response.content.decode()
    assert not User.objects.filter(email="someone-else@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_tampered_link_is_not_valid(admin_client: Client, program: Program) -> None:
    path = invite(admin_client, program)
    tampered = path[:-3] + ("0" if path[-3] != "0" else "1") + path[-2:]
    response = Client().get(tampered)
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_withdrawn_invitation_is_refused(admin_client: Client, program: Program) -> None:
    path = invite(admin_client, program)
    invitation = Invitation.objects.get()
    admin_client.post(f"/programs/{program.pk}/invitations/{invitation.pk}/revoke/")
    response = Client().get(path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_duplicate_open_invitation_names_the_field(admin_client: Client, program: Program) -> None:
    invite(admin_client, program)
    response = admin_client.post(
        f"/programs/{program.pk}/invitations/",
        {"email": "newcomer@example.org", "role": "participant", "language": "en"},
    )
    assert response.status_code == 422
    assert "already open" in response.content.decode()
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    "persona",
    [
        "participant",
        "groupmate",
        "outsider",
        "facilitator",
        "other_facilitator",
        "mentor",
        "alumnus",
    ],
)
def test_only_program_admins_manage_invitations(
    request: pytest.FixtureRequest, persona: str, program: Program
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/programs/{program.pk}/invitations/").status_code == 404
    response = client.post(
        f"/programs/{program.pk}/invitations/",
        {"email": "x@example.org", "role": "facilitator", "language": "en"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_anonymous_cannot_manage_invitations(anonymous_client: Client, program: Program) -> None:
    response = anonymous_client.get(f"/programs/{program.pk}/invitations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_invites_over_the_api(api_as: object, admin: User, program: Program) -> None:
    from django.test import TestCase

    api = api_as(admin)  # type: ignore[operator]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/programs/{program.pk}/invitations", {"email": "API@Example.org"})
    assert response.status_code == 201
    assert response.json()["email"] == "api@example.org"
    assert len(mail.outbox) == 1
    listed = api.get(f"/programs/{program.pk}/invitations").json()["items"]
    assert [i["email"] for i in listed] == ["api@example.org"]
    revoked = api.delete(f"/programs/{program.pk}/invitations/{listed[0]['id']}")
    assert revoked.status_code == 204


def test_api_invitation_with_bad_email_names_the_field(
    api_as: object, admin: User, program: Program
) -> None:
    response = api_as(admin).post(f"/programs/{program.pk}/invitations", {"email": "not-an-email"})  # type: ignore[operator]
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "email"


def test_an_invitation_in_an_unknown_language_is_refused_by_the_action(
    admin: User, program: Program
) -> None:
    from django.core.exceptions import ValidationError

    from commonroom.care.actions import do_invite_person

    with pytest.raises(ValidationError) as caught:
        do_invite_person(
            program=program,
            email="newcomer@example.org",
            role="participant",
            language="fr",
            invited_by=admin,
            base_url="https://commonroom.example/",
        )
    assert caught.value.error_dict["language"][0].code == "invalid_language"
    assert not Invitation.objects.exists()


def test_api_invitation_in_an_unknown_language_names_the_field_in_the_callers_language(
    api_as: object, admin: User, program: Program
) -> None:
    User.objects.filter(pk=admin.pk).update(preferred_language="es")
    admin.refresh_from_db()
    response = api_as(admin).post(  # type: ignore[operator]
        f"/programs/{program.pk}/invitations", {"email": "a@example.org", "language": "fr"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["field"], error["code"]) == ("language", "invalid_language")
    assert error["message"] == "Elige uno de los idiomas de la lista."
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["participant", "facilitator", "other_facilitator", "alumnus"])
def test_non_admins_cannot_invite_over_the_api(
    request: pytest.FixtureRequest, api_as: object, persona: str, program: Program
) -> None:
    api = api_as(request.getfixturevalue(persona))  # type: ignore[operator]
    assert api.get(f"/programs/{program.pk}/invitations").status_code == 404
    assert (
        api.post(f"/programs/{program.pk}/invitations", {"email": "x@example.org"}).status_code
        == 404
    )
    assert not Invitation.objects.exists()
