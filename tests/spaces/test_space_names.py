"""Spaces the program starts with are named in each reader's language; a
name someone chose is shown as written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.spaces.models import Space, SpaceKind, SpaceScope
from commonroom.spaces.provisioning import ensure_default_spaces
from tests.conftest import Api, signed_in_client

pytestmark = pytest.mark.django_db


def test_default_names_follow_the_readers_language(program: Program, group: TherapyGroup) -> None:
    with translation.override("es"):  # provisioned by an administrator reading Spanish
        ensure_default_spaces(program)
    checkin = Space.objects.get(scope=SpaceScope.GROUP, group=group, kind=SpaceKind.CHECKIN)
    celebrations = Space.objects.get(scope=SpaceScope.PROGRAM, kind=SpaceKind.CELEBRATIONS)
    lounge = Space.objects.get(scope=SpaceScope.ALUMNI)
    with translation.override("en"):
        assert checkin.shown_name == "Group A · Daily check-in"
        assert celebrations.shown_name == "Celebrations"
        assert lounge.shown_name == "Alumni lounge"
    with translation.override("es"):
        assert checkin.shown_name == "Group A · Registro diario"
        assert celebrations.shown_name == "Celebraciones"
        assert lounge.shown_name == "Espacio de egresados/as"


def test_a_chosen_name_is_shown_as_written(program: Program) -> None:
    space = Space.objects.create(
        program=program, scope=SpaceScope.PROGRAM, kind=SpaceKind.GENERAL, name="Whole program"
    )
    with translation.override("es"):
        assert space.shown_name == "Whole program"


def test_a_spanish_reader_sees_the_list_and_the_api_in_spanish(
    program: Program, group: TherapyGroup, participant: User
) -> None:
    ensure_default_spaces(program)
    User.objects.filter(pk=participant.pk).update(preferred_language="es")
    client: Client = signed_in_client(participant)
    page = client.get("/spaces/").content.decode()
    assert "Group A · Registro diario" in page
    assert "Celebraciones" in page
    assert "Daily check-in" not in page
    participant.refresh_from_db()
    names = {s["name"] for s in Api(participant).get("/spaces").json()["items"]}
    assert "Group A · Metas y compromisos" in names
