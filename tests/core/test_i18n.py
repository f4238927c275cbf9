"""English and Spanish, each person's language and time zone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone, translation

from commonroom.accounts.models import User

pytestmark = pytest.mark.django_db


def test_home_is_in_the_persons_preferred_language(
    participant: User, participant_client: Client
) -> None:
    User.objects.filter(pk=participant.pk).update(preferred_language="es")
    response = participant_client.get("/")
    html = response.content.decode()
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in html
    assert "Bienvenida, Sam" in html or "Te damos la bienvenida, Sam" in html
    assert "Pide ayuda ahora" in html


def test_a_persons_language_does_not_outlive_their_request(
    participant: User, participant_client: Client
) -> None:
    User.objects.filter(pk=participant.pk).update(
        preferred_language="es", time_zone="America/Mexico_City"
    )
    translation.activate("en")
    participant_client.get("/")
    # Whatever ran next on this thread (another request, a task) starts as it was.
    assert translation.get_language() == "en"
    assert timezone.get_current_timezone_name() == "UTC"


def test_switching_language_is_remembered_on_the_profile(
    participant: User, participant_client: Client
) -> None:
    response = participant_client.post("/language/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.preferred_language == "es"


def test_switching_language_refuses_an_offsite_next(participant_client: Client) -> None:
    response = participant_client.post(
        "/language/", {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_unknown_language_changes_nothing(participant: User, participant_client: Client) -> None:
    participant_client.post("/language/", {"language": "xx", "next": "/"})
    participant.refresh_from_db()
    assert participant.preferred_language == "en"


def test_anonymous_visitor_can_read_help_in_spanish(anonymous_client: Client) -> None:
    anonymous_client.post("/language/", {"language": "es", "next": "/help/"})
    html = anonymous_client.get("/help/").content.decode()
    assert "Pide ayuda ahora" in html
    assert "988" in html


def test_help_shows_us_crisis_defaults(anonymous_client: Client) -> None:
    html = anonymous_client.get("/help/").content.decode()
    assert 'href="tel:988"' in html
    assert 'href="sms:988"' in html
    assert 'href="tel:911"' in html


def test_help_shows_the_programs_own_resources(
    participant: User, participant_client: Client, program: object
) -> None:
    program.crisis_resources = [  # type: ignore[attr-defined]
        {"name": "County Crisis Team", "detail": "Mobile crisis, 24/7", "phone": "555-0100"}
    ]
    program.save()  # type: ignore[attr-defined]
    html = participant_client.get("/help/").content.decode()
    assert "County Crisis Team" in html
    assert 'href="tel:555-0100"' in html


def test_every_page_links_to_help(participant_client: Client, anonymous_client: Client) -> None:
    for client, path in (
        (participant_client, "/"),
        (participant_client, "/profile/"),
        (anonymous_client, "/accounts/login/"),
        (anonymous_client, "/no-such-page/"),
    ):
        assert 'href="/help/"' in client.get(path).content.decode(), path
